package io.marketgate.protocol.stream;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.math.BigDecimal;
import java.time.Instant;

/** An OHLC bar of {@code resolution} ({@code 1s}, {@code 1m}, …) starting at the event time. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StreamBar(
    String source,
    String symbol,
    String resolution,
    Instant eventTime,
    BigDecimal open,
    BigDecimal high,
    BigDecimal low,
    BigDecimal close,
    long volume,
    boolean delayed)
    implements StreamEvent {}
