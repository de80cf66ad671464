package io.marketgate.protocol.data;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/** The option contracts on an underlying with their activity (dataset options_flow). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record OptionsFlow(String symbol, List<Contract> contracts) {

  /** {@code type} is call or put. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Contract(
      String contract,
      String type,
      BigDecimal strike,
      LocalDate expiration,
      BigDecimal lastPrice,
      Long volume,
      Long openInterest,
      BigDecimal impliedVolatility,
      BigDecimal delta) {}
}
