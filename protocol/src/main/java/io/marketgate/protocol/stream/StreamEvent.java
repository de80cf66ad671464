package io.marketgate.protocol.stream;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.marketgate.protocol.CborSerializable;
import java.time.Instant;

/**
 * One normalised event of a provider's live stream, as every subscriber in the cluster receives it:
 * a quote, a trade, a bar, or a gap (events may be missing between two bounds). {@code source} is
 * the provider's name; {@code delayed} is true when the provider says the data is not real-time.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = StreamQuote.class, name = "quote"),
  @JsonSubTypes.Type(value = StreamTrade.class, name = "trade"),
  @JsonSubTypes.Type(value = StreamBar.class, name = "bar"),
  @JsonSubTypes.Type(value = StreamGap.class, name = "gap")
})
public sealed interface StreamEvent extends CborSerializable
    permits StreamQuote, StreamTrade, StreamBar, StreamGap {
  String source();

  String symbol();

  /** When the provider says it happened (a bar: when it starts). */
  Instant eventTime();
}
