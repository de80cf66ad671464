package io.marketgate.protocol.stream;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.math.BigDecimal;
import java.time.Instant;

/** One trade: its price and size; {@code seq} is the provider's sequence number. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StreamTrade(
    String source,
    String symbol,
    Instant eventTime,
    long seq,
    BigDecimal price,
    long size,
    boolean delayed)
    implements StreamEvent {}
