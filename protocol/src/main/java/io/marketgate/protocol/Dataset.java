package io.marketgate.protocol;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/**
 * The kinds of market data Marketgate serves; {@link #wireName()} is the name used in JSON, URLs
 * and config.
 */
public enum Dataset {
  QUOTE("quote"),
  FUNDAMENTALS("fundamentals"),
  COMPANY("company"),
  EARNINGS("earnings"),
  OPTIONS_FLOW("options_flow"),
  ECONOMIC("economic"),
  NEWS("news"),
  SEARCH("search");

  private final String wireName;

  Dataset(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  public static Optional<Dataset> fromWireName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (Dataset d : values()) {
      if (d.wireName.equals(lower)) return Optional.of(d);
    }
    return Optional.empty();
  }
}
