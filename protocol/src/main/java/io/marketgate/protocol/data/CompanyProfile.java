package io.marketgate.protocol.data;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.math.BigDecimal;

/** A company's profile (dataset company); unknown values are {@code null}. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CompanyProfile(
    String symbol,
    String name,
    String exchange,
    String sector,
    String industry,
    String country,
    String currency,
    String website,
    String description,
    String ceo,
    BigDecimal marketCap,
    Long employees) {}
