package io.marketgate.protocol.data;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.math.BigDecimal;
import java.time.Instant;

/** The normalised, provider-independent quote; unknown values are {@code null}. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Quote(
    String symbol,
    BigDecimal price,
    BigDecimal change,
    BigDecimal changePercent,
    BigDecimal open,
    BigDecimal dayHigh,
    BigDecimal dayLow,
    BigDecimal previousClose,
    Long volume,
    String currency,
    Instant asOf,
    boolean delayed) {}
