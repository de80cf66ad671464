package io.marketgate.protocol.data;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/** Earnings reports and estimates (dataset earnings), newest first. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Earnings(String symbol, List<Event> events) {

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Event(
      LocalDate date,
      String fiscalPeriod,
      BigDecimal epsActual,
      BigDecimal epsEstimate,
      BigDecimal revenueActual,
      BigDecimal revenueEstimate) {}
}
