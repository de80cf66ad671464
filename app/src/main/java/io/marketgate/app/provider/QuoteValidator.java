package io.marketgate.app.provider;

import io.marketgate.protocol.data.Quote;
import java.math.BigDecimal;
import java.util.Optional;

/** Checks a normalised quote before it may be served or cached. */
public final class QuoteValidator {
  private QuoteValidator() {}

  /** Empty when valid; otherwise what is wrong with it. */
  public static Optional<String> violation(Quote quote, String requestedSymbol) {
    if (quote.symbol() == null) return Optional.of("symbol missing");
    if (!quote.symbol().equalsIgnoreCase(requestedSymbol)) {
      return Optional.of("answered symbol " + quote.symbol() + " for " + requestedSymbol);
    }
    if (quote.price() == null) return Optional.of("price missing");
    if (quote.price().signum() <= 0) return Optional.of("price not positive: " + quote.price());
    if (notPositive(quote.dayHigh()) || notPositive(quote.dayLow()) || notPositive(quote.open())) {
      return Optional.of("non-positive open/high/low");
    }
    if (quote.dayHigh() != null
        && quote.dayLow() != null
        && quote.dayHigh().compareTo(quote.dayLow()) < 0) {
      return Optional.of("day high " + quote.dayHigh() + " below day low " + quote.dayLow());
    }
    if (quote.volume() != null && quote.volume() < 0) return Optional.of("negative volume");
    return Optional.empty();
  }

  private static boolean notPositive(BigDecimal value) {
    return value != null && value.signum() <= 0;
  }
}
