package io.marketgate.app.sim;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Deterministic market numbers for any symbol: the same symbol always gets the same quote, so
 * answers from different providers and nodes can be compared. Symbols starting with {@code ZZ} are
 * unknown to every simulated provider.
 */
public final class SimulatedMarket {
  private SimulatedMarket() {}

  public record Numbers(
      BigDecimal price,
      BigDecimal change,
      BigDecimal changePercent,
      BigDecimal open,
      BigDecimal dayHigh,
      BigDecimal dayLow,
      BigDecimal previousClose,
      long volume) {}

  public static boolean knows(String symbol) {
    return !symbol.toUpperCase().startsWith("ZZ");
  }

  public static Numbers quote(String symbol) {
    long h = symbol.toUpperCase().hashCode() & 0x7fffffffL;
    BigDecimal price = cents(2000 + h % 48000);
    BigDecimal change = cents((h >> 4) % 1000 - 500);
    BigDecimal previousClose = price.subtract(change);
    BigDecimal open = previousClose.add(cents((h >> 9) % 200 - 100));
    BigDecimal high = price.max(open).add(cents(50 + (h >> 3) % 100));
    BigDecimal low = price.min(open).subtract(cents(50 + (h >> 5) % 100));
    BigDecimal percent =
        change.multiply(BigDecimal.valueOf(100)).divide(previousClose, 4, RoundingMode.HALF_UP);
    return new Numbers(
        price, change, percent, open, high, low, previousClose, 1_000_000 + h % 50_000_000);
  }

  private static BigDecimal cents(long cents) {
    return BigDecimal.valueOf(cents, 2);
  }

  /**
   * The one story every simulated news source carries for a symbol (as wire stories are
   * syndicated).
   */
  public static String syndicatedStoryUrl(String symbol) {
    return "https://wire.example/markets/"
        + symbol.toLowerCase(java.util.Locale.ROOT)
        + "-earnings-preview";
  }

  static long seed(String symbol) {
    return symbol.toUpperCase().hashCode() & 0x7fffffffL;
  }

  /** Annual (or quarterly) figures of report {@code i} (0 = latest) in dollars. */
  public record Financials(
      java.time.LocalDate periodEnd,
      String fiscalPeriod,
      int fiscalYear,
      long revenue,
      long costOfRevenue,
      long operatingIncome,
      long netIncome,
      BigDecimal eps,
      BigDecimal epsDiluted,
      long totalAssets,
      long totalLiabilities,
      long operatingCashFlow,
      long capitalExpenditure) {}

  public static Financials financials(String symbol, boolean quarterly, int i) {
    long h = seed(symbol);
    long base = 1_000_000_000L * (5 + h % 300);
    if (quarterly) base /= 4;
    long revenue = base - i * base / 40;
    long cost = revenue * (45 + h % 20) / 100;
    long operating = (revenue - cost) * (40 + h % 30) / 100;
    long net = operating * 80 / 100;
    long shares = 1_000_000_000L * (1 + h % 15);
    java.time.LocalDate end =
        quarterly
            ? java.time.LocalDate.of(2026, 9, 30).minusMonths(3L * i)
            : java.time.LocalDate.of(2025, 12, 31).minusYears(i);
    String period = quarterly ? "Q" + (((end.getMonthValue() - 1) / 3) + 1) : "FY";
    long assets = revenue * 2;
    return new Financials(
        end,
        period,
        end.getYear(),
        revenue,
        cost,
        operating,
        net,
        BigDecimal.valueOf(net * 100 / shares, 2),
        BigDecimal.valueOf(net * 99 / shares, 2),
        assets,
        assets * 55 / 100,
        net * 120 / 100,
        -(revenue / 20));
  }
}
