package io.marketgate.app.stream.pipeline;

import io.marketgate.protocol.stream.StreamBar;
import io.marketgate.protocol.stream.StreamEvent;
import io.marketgate.protocol.stream.StreamGap;
import io.marketgate.protocol.stream.StreamQuote;
import io.marketgate.protocol.stream.StreamTrade;
import java.time.Instant;

/**
 * What makes a stored row unique: quotes and trades on (source, symbol, ts, seq), bars on (source,
 * symbol, resolution, ts). Two distinct ticks in one millisecond differ by their sequence number,
 * an exact replay repeats it.
 */
public record StorageKey(
    String kind, String source, String symbol, Instant ts, String discriminator) {

  /**
   * @throws IllegalArgumentException for a gap, which is never stored as a row
   */
  public static StorageKey of(StreamEvent event) {
    if (event instanceof StreamQuote q)
      return new StorageKey("quote", q.source(), q.symbol(), q.eventTime(), Long.toString(q.seq()));
    if (event instanceof StreamTrade t)
      return new StorageKey("trade", t.source(), t.symbol(), t.eventTime(), Long.toString(t.seq()));
    if (event instanceof StreamBar b)
      return new StorageKey("bar", b.source(), b.symbol(), b.eventTime(), b.resolution());
    throw new IllegalArgumentException("a " + ((StreamGap) event).reason() + " gap has no row");
  }
}
