package io.marketgate.protocol;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Validation of economic series ids (FRED style: letters, digits, underscores; up to 40). */
public final class SeriesIds {
  private static final Pattern VALID = Pattern.compile("[A-Z0-9_]{1,40}");

  private SeriesIds() {}

  public static Optional<String> normalise(String raw) {
    if (raw == null || raw.length() > 40) return Optional.empty();
    String upper = raw.toUpperCase(Locale.ROOT);
    return VALID.matcher(upper).matches() ? Optional.of(upper) : Optional.empty();
  }
}
