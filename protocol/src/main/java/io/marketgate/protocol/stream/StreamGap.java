package io.marketgate.protocol.stream;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;

/**
 * Events of {@code symbol} may be missing between {@code from} (the last event delivered before)
 * and {@code eventTime} (when delivery resumed): the connection dropped, its owner moved, or a
 * subscriber's buffer overflowed. {@code reason} says which.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StreamGap(
    String source, String symbol, Instant from, Instant eventTime, String reason)
    implements StreamEvent {}
