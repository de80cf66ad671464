package io.marketgate.protocol;

import java.util.Optional;

/**
 * Validation and normalisation of ticker symbols, applied before anything else runs.
 *
 * <p>Accepted: 1–15 ASCII characters, letters, digits and the separators real tickers use ({@code
 * BRK.B}, {@code BRK-B}, {@code ^GSPC}, {@code EURUSD=X}); the first character after an optional
 * {@code ^} is a letter or digit. Lower case is normalised to upper case.
 */
public final class Symbols {
  public static final int MAX_LENGTH = 15;

  private Symbols() {}

  /** The normalised symbol, or empty when the input is not a valid ticker symbol. */
  public static Optional<String> normalise(String raw) {
    if (raw == null || raw.isEmpty() || raw.length() > MAX_LENGTH) return Optional.empty();
    char[] out = new char[raw.length()];
    boolean changed = false;
    int first = raw.charAt(0) == '^' ? 1 : 0;
    if (first == raw.length()) return Optional.empty();
    if (first == 1) out[0] = '^';
    for (int i = first; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c >= 'a' && c <= 'z') {
        c = (char) (c - 32);
        changed = true;
      }
      boolean alnum = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      boolean separator = c == '.' || c == '-' || c == '=';
      if (!alnum && !(separator && i > first)) return Optional.empty();
      if (c == '.' && out[i - 1] == '.') return Optional.empty();
      out[i] = c;
    }
    return Optional.of(changed ? new String(out) : raw);
  }
}
