package io.marketgate.app.symbol;

import java.time.Duration;

/**
 * The one time budget of a data request, fixed when the request arrives and carried from the HTTP
 * edge to every provider attempt ({@link System#nanoTime()} based, so it never crosses a JVM: the
 * sharded ask carries what is left of it in milliseconds).
 */
public record Deadline(long atNanos) {
  public static Deadline after(Duration budget) {
    return new Deadline(System.nanoTime() + budget.toNanos());
  }

  /** What is left, zero once passed. */
  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, atNanos - System.nanoTime()));
  }

  public long remainingMillis() {
    return remaining().toMillis();
  }

  public boolean passed() {
    return atNanos - System.nanoTime() <= 0;
  }

  /**
   * This deadline moved earlier by {@code reserve}, e.g. to keep time for the reply or a fallback.
   */
  public Deadline earlier(Duration reserve) {
    return new Deadline(atNanos - reserve.toNanos());
  }

  /**
   * One provider attempt's time: its own timeout, never more than the time left divided among the
   * providers still to try, so a hanging first provider leaves time for the others.
   */
  public Duration attempt(Duration providerTimeout, int providersLeft) {
    Duration share = remaining().dividedBy(Math.max(1, providersLeft));
    return providerTimeout.compareTo(share) < 0 ? providerTimeout : share;
  }
}
