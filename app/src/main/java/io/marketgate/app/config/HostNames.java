package io.marketgate.app.config;

import java.util.Locale;
import java.util.Set;

/** Host names as settings use them. */
public final class HostNames {
  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1", "[::1]");

  private HostNames() {}

  /** Whether {@code host} (as a URI writes it) names this machine's loopback interface. */
  public static boolean isLoopback(String host) {
    return host != null && LOOPBACK.contains(host.toLowerCase(Locale.ROOT));
  }
}
