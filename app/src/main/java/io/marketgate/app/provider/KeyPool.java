package io.marketgate.app.provider;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The keys of one provider on this node: the least-used healthy key serves each call; a key the
 * provider rate-limited cools down until its window resets; a key it rejected is disabled. Keys are
 * known elsewhere only by their fingerprint (a hash prefix) or masked. Touched only by the provider
 * actor.
 */
final class KeyPool {
  /** A key chosen for one call. */
  record Lease(String secret, String fingerprint) {
    static final Lease KEYLESS = new Lease("", "");
  }

  private static final class Entry {
    final String secret;
    final String fingerprint;
    long uses;
    long rateLimited;
    long coolingUntilMillis;
    String disabledReason;
    long lastUsedMillis;

    Entry(String secret) {
      this.secret = secret;
      this.fingerprint = fingerprint(secret);
    }

    boolean usable(long now) {
      return disabledReason == null && coolingUntilMillis <= now;
    }
  }

  /** Why no key can serve a call. */
  enum Shortage {
    ALL_COOLING,
    ALL_DISABLED
  }

  private final List<Entry> entries = new ArrayList<>();

  KeyPool(List<String> secrets) {
    for (String s : secrets) entries.add(new Entry(s));
  }

  /**
   * The least-used usable key (its use counted), the keyless lease for a provider without keys, or
   * empty.
   */
  Optional<Lease> choose(long now) {
    if (entries.isEmpty()) return Optional.of(Lease.KEYLESS);
    Entry best = null;
    for (Entry e : entries) {
      if (e.usable(now) && (best == null || e.uses < best.uses)) best = e;
    }
    if (best == null) return Optional.empty();
    best.uses++;
    best.lastUsedMillis = now;
    return Optional.of(new Lease(best.secret, best.fingerprint));
  }

  /** Why {@link #choose} found nothing. */
  Shortage shortage() {
    return entries.stream().allMatch(e -> e.disabledReason != null)
        ? Shortage.ALL_DISABLED
        : Shortage.ALL_COOLING;
  }

  /** When the first cooling key becomes usable again (0 when none cools). */
  long nextUsableAt() {
    return entries.stream()
        .filter(e -> e.disabledReason == null)
        .mapToLong(e -> e.coolingUntilMillis)
        .min()
        .orElse(0);
  }

  /**
   * The provider rate-limited this key: unused until {@code untilMillis}. @return whether that
   * changed anything
   */
  boolean coolDown(String fingerprint, long untilMillis, boolean counted) {
    for (Entry e : entries) {
      if (e.fingerprint.equals(fingerprint)) {
        if (counted) e.rateLimited++;
        if (untilMillis <= e.coolingUntilMillis) return false;
        e.coolingUntilMillis = untilMillis;
        return true;
      }
    }
    return false;
  }

  /**
   * The provider rejected this key: never used again on this node. @return whether that changed
   * anything
   */
  boolean disable(String fingerprint, String reason) {
    for (Entry e : entries) {
      if (e.fingerprint.equals(fingerprint) && e.disabledReason == null) {
        e.disabledReason = reason;
        return true;
      }
    }
    return false;
  }

  List<KeyStatus> status(long now) {
    List<KeyStatus> out = new ArrayList<>();
    for (Entry e : entries) {
      String state =
          e.disabledReason != null ? "disabled" : e.coolingUntilMillis > now ? "cooling" : "active";
      out.add(
          new KeyStatus(
              ProviderStatus.maskKey(e.secret),
              state,
              e.uses,
              e.rateLimited,
              e.coolingUntilMillis > now ? Instant.ofEpochMilli(e.coolingUntilMillis) : null,
              e.disabledReason,
              e.lastUsedMillis == 0 ? null : Instant.ofEpochMilli(e.lastUsedMillis)));
    }
    return out;
  }

  /**
   * The first 16 hex characters of the key's SHA-256: names a key across nodes without revealing
   * it.
   */
  static String fingerprint(String secret) {
    return KeyFingerprint.of(secret);
  }
}
