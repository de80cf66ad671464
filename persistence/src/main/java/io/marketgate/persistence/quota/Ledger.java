package io.marketgate.persistence.quota;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.marketgate.protocol.CborSerializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Permits granted over time, and what a limit allows next: the sliding-window arithmetic shared by
 * provider quotas and client throttling. Immutable (a persisted one may be serialized for a
 * snapshot after the next grant).
 */
public final class Ledger implements CborSerializable {
  /** Permits granted at a time. */
  public record Grant(long atMillis, int permits) implements CborSerializable {}

  /** What may be granted now: {@code permits} (0: none) and, when none, when to ask again. */
  public record Allowance(int permits, long retryAtMillis) {}

  public static final Ledger EMPTY = new Ledger(List.of());

  private final List<Grant> grants;

  @JsonCreator
  public Ledger(@JsonProperty("grants") List<Grant> grants) {
    this.grants = List.copyOf(grants);
  }

  @JsonProperty("grants")
  public List<Grant> grants() {
    return grants;
  }

  /** Permits granted after {@code sinceMillis}. */
  public int countedSince(long sinceMillis) {
    int sum = 0;
    for (int i = grants.size() - 1; i >= 0 && grants.get(i).atMillis() > sinceMillis; i--)
      sum += grants.get(i).permits();
    return sum;
  }

  /**
   * How many of {@code wanted} permits a limit of {@code limit} per {@code spanMillis} allows at
   * {@code now}; when none, the time the oldest counted grants leave the span enough for one.
   */
  public Allowance allows(int wanted, int limit, long spanMillis, long now) {
    long since = now - spanMillis;
    int counted = countedSince(since);
    int left = limit - counted;
    if (left > 0) return new Allowance(Math.min(wanted, left), now);
    for (Grant g : grants) {
      if (g.atMillis() <= since) continue;
      counted -= g.permits();
      if (counted < limit) return new Allowance(0, g.atMillis() + spanMillis + 1);
    }
    return new Allowance(0, now + spanMillis);
  }

  /**
   * This ledger with {@code grant} added and grants at or before {@code keepAfterMillis} dropped.
   */
  public Ledger add(Grant grant, long keepAfterMillis) {
    List<Grant> kept = new ArrayList<>(grants.size() + 1);
    for (Grant old : grants) if (old.atMillis() > keepAfterMillis) kept.add(old);
    kept.add(grant);
    return new Ledger(kept);
  }
}
