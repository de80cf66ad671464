package io.marketgate.protocol;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Validation of symbol-search queries: 1–50 characters of letters, digits, spaces and {@code . - &
 * '}; normalised to lower case with single spaces, so that equal queries share a cache entry.
 */
public final class SearchQueries {
  private static final Pattern VALID = Pattern.compile("[\\p{IsLatin}0-9 .&'-]{1,50}");

  private SearchQueries() {}

  public static Optional<String> normalise(String raw) {
    if (raw == null) return Optional.empty();
    String q = raw.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    if (q.isEmpty() || q.length() > 50 || !VALID.matcher(q).matches()) return Optional.empty();
    return Optional.of(q);
  }
}
