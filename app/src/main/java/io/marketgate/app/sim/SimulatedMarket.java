package io.marketgate.app.sim;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Deterministic market numbers for any symbol: the same symbol always gets the same quote, so
 * answers from different providers and nodes can be compared. Symbols starting with {@code ZZ}
 * are unknown to every simulated provider.
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
    BigDecimal percent = change.multiply(BigDecimal.valueOf(100)).divide(previousClose, 4, RoundingMode.HALF_UP);
    return new Numbers(price, change, percent, open, high, low, previousClose, 1_000_000 + h % 50_000_000);
  }

  private static BigDecimal cents(long cents) {
    return BigDecimal.valueOf(cents, 2);
  }
}
