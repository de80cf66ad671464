package io.marketgate.protocol.data;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/** Observations of an economic series (dataset economic); a missing value is {@code null}. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EconomicSeries(String seriesId, String units, List<Observation> observations) {

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Observation(LocalDate date, BigDecimal value) {}
}
