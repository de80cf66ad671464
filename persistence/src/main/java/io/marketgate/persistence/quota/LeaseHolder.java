package io.marketgate.persistence.quota;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A node's side of a leased limit (a provider's quota, a client's request rate): permits come in
 * small leases from the limit's entity; a use takes a local permit when one is left (no network),
 * else asks for a new lease, one ask at a time however many callers wait. When the entity says the
 * limit is used up, the holder refuses by itself until the entity's retry time (at most {@code
 * recheck-after}); when the entity cannot be reached in time (moving, slow), a fail-closed holder
 * refuses too (a provider's licence must never be exceeded) while a fail-open one gives out one
 * lease's worth of permits the entity never counted (a client's rate limit must not refuse requests
 * only because its limiter is slow to answer), and asks again once they are used.
 */
public final class LeaseHolder {

  /** Asks the limit's entity for up to {@code permits} permits. */
  @FunctionalInterface
  public interface Lessor {
    CompletionStage<QuotaEntity.Reply> lease(int permits, Duration timeout);
  }

  /** Granted, or refused with when the limit frees a permit (as far as the entity last said). */
  public record Decision(boolean granted, long retryAtMillis) {
    static final Decision GRANTED = new Decision(true, 0);
  }

  private final Lessor lessor;
  private final int leaseSize;
  private final QuotaSettings settings;
  private final CompletionStage<Void> started;
  private final Clock clock;
  private final boolean failOpen;

  private int permits;
  private long validUntil;
  private long refusedUntil;

  /** Until when a fail-closed holder takes the entity as unreachable (no ask meanwhile). */
  private long unreachableUntil;

  /** Permits a fail-open holder gave out while its entity could not answer. */
  private long uncounted;

  /**
   * When the entity last said a permit frees up (what a refused caller is told), 0 once leasing
   * again.
   */
  private long freesAt;

  private CompletableFuture<Void> refill;

  /** A fail-closed holder: no permit, no call. */
  public LeaseHolder(
      Lessor lessor,
      int leaseSize,
      QuotaSettings settings,
      CompletionStage<Void> started,
      Clock clock) {
    this(lessor, leaseSize, settings, started, clock, false);
  }

  /**
   * A fail-open holder whose entity type runs from the start: throttling must not refuse callers.
   */
  public static LeaseHolder failOpen(
      Lessor lessor, int leaseSize, QuotaSettings settings, Clock clock) {
    return new LeaseHolder(
        lessor, leaseSize, settings, CompletableFuture.completedFuture(null), clock, true);
  }

  /**
   * @param started completes once the entity type runs; until then no lease is asked for
   * @param failOpen whether callers pass while the entity cannot be reached (see the class comment)
   */
  public LeaseHolder(
      Lessor lessor,
      int leaseSize,
      QuotaSettings settings,
      CompletionStage<Void> started,
      Clock clock,
      boolean failOpen) {
    this.lessor = lessor;
    this.leaseSize = leaseSize;
    this.settings = settings;
    this.started = started;
    this.clock = clock;
    this.failOpen = failOpen;
  }

  /**
   * Takes a permit held on this node, if one is left: the hot path, without allocation or waiting.
   */
  public synchronized boolean tryTakeLocal() {
    if (permits > 0 && clock.millis() < validUntil) {
      permits--;
      return true;
    }
    return false;
  }

  /** Permits given out uncounted because the entity could not answer (fail-open holders only). */
  public synchronized long uncounted() {
    return uncounted;
  }

  /** A permit, asking for a lease when none is held; decided within {@code maxWait}. */
  public CompletionStage<Decision> acquire(Duration maxWait) {
    return acquire(System.nanoTime() + maxWait.toNanos());
  }

  private CompletionStage<Decision> acquire(long deadlineNanos) {
    CompletableFuture<Void> waitFor;
    synchronized (this) {
      long now = clock.millis();
      if (permits > 0 && now < validUntil) {
        permits--;
        return CompletableFuture.completedFuture(Decision.GRANTED);
      }
      if (now < refusedUntil)
        return CompletableFuture.completedFuture(
            new Decision(false, Math.max(refusedUntil, freesAt)));
      if (now < unreachableUntil)
        return CompletableFuture.completedFuture(unreachable(unreachableUntil));
      if (!started.toCompletableFuture().isDone())
        return CompletableFuture.completedFuture(unreachable(now + 1000));
      long waitNanos = Math.min(deadlineNanos - System.nanoTime(), settings.askTimeout().toNanos());
      if (waitNanos <= 0) return CompletableFuture.completedFuture(unreachable(now + 1000));
      if (refill == null) refill = askForLease(Duration.ofNanos(waitNanos));
      waitFor = refill;
    }
    // Callers share one ask; whoever finds no permit left after it asks again in time.
    return waitFor.thenCompose(v -> acquire(deadlineNanos));
  }

  private Decision unreachable(long retryAtMillis) {
    return failOpen ? Decision.GRANTED : new Decision(false, retryAtMillis);
  }

  private CompletableFuture<Void> askForLease(Duration timeout) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    CompletionStage<QuotaEntity.Reply> reply;
    try {
      reply = lessor.lease(leaseSize, timeout);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    reply.whenComplete(
        (r, error) -> {
          synchronized (this) {
            long now = clock.millis();
            if (r instanceof QuotaEntity.Leased leased) {
              if (now >= validUntil) permits = 0;
              permits += leased.permits();
              validUntil = leased.validUntilMillis();
              freesAt = 0;
            } else if (r instanceof QuotaEntity.Exhausted exhausted) {
              // Ask again soon (another node's unused lease may expire), but tell callers the
              // entity's time.
              refusedUntil =
                  Math.min(exhausted.retryAtMillis(), now + settings.recheckAfter().toMillis());
              freesAt = exhausted.retryAtMillis();
            } else if (failOpen) {
              // Unreachable entity (starting, moving): one lease's worth passes unchecked, then it
              // is
              // asked again, so what passes uncounted is at most a lease per failed ask.
              if (now >= validUntil) permits = 0;
              permits += leaseSize;
              validUntil = now + settings.recheckAfter().toMillis();
              uncounted += leaseSize;
            } else {
              // Unreachable entity (moving, journal down): do not storm it; refuse briefly.
              unreachableUntil = now + Math.min(200, settings.recheckAfter().toMillis());
            }
            refill = null;
          }
          done.complete(null);
        });
    return done;
  }
}
