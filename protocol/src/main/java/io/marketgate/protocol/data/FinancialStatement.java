package io.marketgate.protocol.data;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * Reports of one financial statement (dataset fundamentals): each report carries the fields of the
 * statement asked for. {@code statement} is income, balance or cash_flow; {@code period} annual or
 * quarterly.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record FinancialStatement(
    String symbol, String statement, String period, String currency, List<Report> reports) {

  /** One period's figures. */
  public sealed interface Report permits Income, Balance, CashFlow {
    LocalDate fiscalDateEnding();

    String fiscalPeriod();
  }

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Income(
      LocalDate fiscalDateEnding,
      String fiscalPeriod,
      BigDecimal revenue,
      BigDecimal costOfRevenue,
      BigDecimal grossProfit,
      BigDecimal operatingIncome,
      BigDecimal netIncome,
      BigDecimal eps,
      BigDecimal epsDiluted)
      implements Report {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Balance(
      LocalDate fiscalDateEnding,
      String fiscalPeriod,
      BigDecimal totalAssets,
      BigDecimal totalLiabilities,
      BigDecimal totalEquity)
      implements Report {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record CashFlow(
      LocalDate fiscalDateEnding,
      String fiscalPeriod,
      BigDecimal operatingCashFlow,
      BigDecimal capitalExpenditure,
      BigDecimal freeCashFlow)
      implements Report {}
}
