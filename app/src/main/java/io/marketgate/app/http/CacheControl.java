package io.marketgate.app.http;

import io.marketgate.protocol.SymbolProtocol;
import java.util.Locale;
import java.util.Optional;

/**
 * The caller's freshness wish from the standard {@code Cache-Control} request header: {@code
 * max-age=N} (seconds) or {@code no-cache} (fetch now). Unknown directives are ignored.
 */
final class CacheControl {
  private CacheControl() {}

  /** Max age in milliseconds, {@link SymbolProtocol#DEFAULT_MAX_AGE} when none is asked for. */
  static long maxAgeMillis(Optional<String> header) {
    if (header.isEmpty()) return SymbolProtocol.DEFAULT_MAX_AGE;
    long result = SymbolProtocol.DEFAULT_MAX_AGE;
    for (String directive : header.get().split(",")) {
      String d = directive.trim().toLowerCase(Locale.ROOT);
      if (d.equals("no-cache") || d.equals("no-store")) return 0;
      if (d.startsWith("max-age=")) {
        String value = d.substring("max-age=".length()).replace("\"", "");
        try {
          long seconds = Long.parseLong(value);
          if (seconds >= 0) result = Math.min(seconds, Long.MAX_VALUE / 1000) * 1000;
        } catch (NumberFormatException ignored) {
          // A malformed max-age is ignored, as HTTP caches do.
        }
      }
    }
    return result;
  }
}
