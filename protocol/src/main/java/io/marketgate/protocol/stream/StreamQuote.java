package io.marketgate.protocol.stream;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * The top of the book (and the last trade, where the provider sends it with the quote); unknown
 * values are {@code null}. {@code seq} is the provider's sequence number (Polygon {@code q}), or
 * for IBKR, which has none, a digest of the merged fields: with the source, symbol and time it
 * names the stored row.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StreamQuote(
    String source,
    String symbol,
    Instant eventTime,
    long seq,
    BigDecimal bid,
    Long bidSize,
    BigDecimal ask,
    Long askSize,
    BigDecimal last,
    boolean delayed)
    implements StreamEvent {}
