package io.marketgate.protocol.stream;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a subscriber of a provider's stream asks for: quotes, trades or bars of a symbol. */
public enum StreamChannel {
  QUOTES,
  TRADES,
  BARS;

  /** As the API and topic names spell it: {@code quotes}, {@code trades}, {@code bars}. */
  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException for a name that is none of the channels
   */
  public static StreamChannel fromWireName(String name) {
    for (StreamChannel c : values()) if (c.wireName().equals(name)) return c;
    throw new IllegalArgumentException(
        "unknown stream channel '" + name + "' (quotes, trades or bars)");
  }

  /** The channel an event is published on; a gap concerns every channel of its symbol. */
  public static StreamChannel of(StreamEvent event) {
    if (event instanceof StreamQuote) return QUOTES;
    if (event instanceof StreamTrade) return TRADES;
    if (event instanceof StreamBar) return BARS;
    throw new IllegalArgumentException("a gap belongs to every channel of its symbol");
  }
}
