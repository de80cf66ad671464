package io.marketgate.protocol;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Validation and normalisation of ticker symbols, applied before anything else runs.
 *
 * <p>Accepted: 1–15 ASCII characters, letters, digits and the separators real tickers use
 * ({@code BRK.B}, {@code BRK-B}, {@code ^GSPC}, {@code EURUSD=X}); the first character after an
 * optional {@code ^} is a letter or digit. Lower case is normalised to upper case.
 */
public final class Symbols {
  public static final int MAX_LENGTH = 15;
  private static final Pattern VALID = Pattern.compile("\\^?[A-Z0-9][A-Z0-9.=-]{0,14}");

  private Symbols() {}

  /** The normalised symbol, or empty when the input is not a valid ticker symbol. */
  public static Optional<String> normalise(String raw) {
    if (raw == null || raw.isEmpty() || raw.length() > MAX_LENGTH) return Optional.empty();
    String upper = raw.toUpperCase(Locale.ROOT);
    if (!VALID.matcher(upper).matches() || upper.contains("..")) return Optional.empty();
    return Optional.of(upper);
  }
}
