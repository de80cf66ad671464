package io.marketgate.app.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches the whole test run for provider keys where they must never appear: every log event
 * (through {@link SecretWatchAppender}), every HTTP answer the tests read (API responses and {@code
 * /metrics}), and the logs of gateway processes. Test nodes and provider harnesses register the
 * keys they configure; {@link #assertClean} fails the test class that leaked one.
 */
public final class SecretWatch {
  private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
  private static final List<String> FINDINGS = Collections.synchronizedList(new ArrayList<>());

  private SecretWatch() {}

  /** Keys as configured: one key, or several comma-separated. */
  public static void register(String keys) {
    for (String k : keys.split(",")) {
      String key = k.trim();
      if (key.length() >= 6) SECRETS.add(key);
    }
  }

  public static void inspect(String where, CharSequence text) {
    if (text == null) return;
    String s = text.toString();
    for (String secret : SECRETS) {
      if (s.contains(secret))
        FINDINGS.add(where + " holds the key ending " + secret.substring(secret.length() - 4));
    }
  }

  /** Fails with every leak seen since the last check. */
  public static void assertClean() {
    List<String> found;
    synchronized (FINDINGS) {
      found = List.copyOf(FINDINGS);
      FINDINGS.clear();
    }
    if (!found.isEmpty()) throw new AssertionError("provider keys leaked: " + found);
  }
}
