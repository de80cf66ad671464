package io.marketgate.app.provider;

import io.marketgate.protocol.data.CompanyProfile;
import io.marketgate.protocol.data.EconomicSeries;
import io.marketgate.protocol.data.OptionsFlow;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * Checks of normalised records other than quotes ({@link QuoteValidator}) before they are cached.
 */
public final class Validation {
  private Validation() {}

  public static Optional<String> company(CompanyProfile p, String requestedSymbol) {
    if (p.symbol() == null || !p.symbol().equalsIgnoreCase(requestedSymbol)) {
      return Optional.of("answered symbol " + p.symbol() + " for " + requestedSymbol);
    }
    if (p.name() == null) return Optional.of("company name missing");
    if (p.marketCap() != null && p.marketCap().signum() < 0)
      return Optional.of("negative market cap");
    if (p.employees() != null && p.employees() < 0) return Optional.of("negative employee count");
    return Optional.empty();
  }

  public static Optional<String> options(OptionsFlow flow) {
    for (OptionsFlow.Contract c : flow.contracts()) {
      if (c.contract() == null || c.expiration() == null)
        return Optional.of("contract without ticker or expiration");
      if (!"call".equals(c.type()) && !"put".equals(c.type()))
        return Optional.of("contract type " + c.type());
      if (c.strike() == null || c.strike().signum() <= 0)
        return Optional.of("strike not positive in " + c.contract());
      if (negative(c.lastPrice()) || negative(c.impliedVolatility()))
        return Optional.of("negative price or volatility in " + c.contract());
    }
    return Optional.empty();
  }

  public static Optional<String> economic(EconomicSeries series, String requestedId) {
    if (!requestedId.equalsIgnoreCase(series.seriesId()))
      return Optional.of("answered series " + series.seriesId());
    for (EconomicSeries.Observation o : series.observations()) {
      if (o.date() == null) return Optional.of("observation without a date");
    }
    return Optional.empty();
  }

  private static boolean negative(BigDecimal v) {
    return v != null && v.signum() < 0;
  }
}
