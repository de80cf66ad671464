package io.marketgate.persistence.quota;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * One provider's quota on this node: permits come in small leases from the provider's {@link
 * QuotaEntity}; a call takes a local permit when one is left (no network), else asks for a new
 * lease. When the entity says the quota is used up, the node refuses without asking again until
 * the entity's retry time (at most {@code recheck-after}). When the entity cannot be reached in
 * time, the call is refused too: the licence is never risked.
 */
final class LeasedQuota implements ProviderQuota {
  private final String provider;
  private final QuotaLimits limits;
  private final QuotaSettings settings;
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final CompletionStage<Void> started;
  private final Clock clock;

  private int permits;
  private long validUntil;
  private long refusedUntil;
  private CompletableFuture<Void> refill;

  LeasedQuota(String provider, QuotaLimits limits, QuotaSettings settings, ActorSystem<?> system, CompletionStage<Void> started, Clock clock) {
    this.provider = provider;
    this.limits = limits;
    this.settings = settings;
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.started = started;
    this.clock = clock;
  }

  @Override
  public CompletionStage<Boolean> tryAcquire(Duration maxWait) {
    return tryAcquire(System.nanoTime() + maxWait.toNanos());
  }

  private CompletionStage<Boolean> tryAcquire(long deadlineNanos) {
    CompletableFuture<Void> waitFor;
    synchronized (this) {
      long now = clock.millis();
      if (permits > 0 && now < validUntil) {
        permits--;
        return CompletableFuture.completedFuture(true);
      }
      if (now < refusedUntil || !started.toCompletableFuture().isDone()) return CompletableFuture.completedFuture(false);
      long waitNanos = Math.min(deadlineNanos - System.nanoTime(), settings.askTimeout().toNanos());
      if (waitNanos <= 0) return CompletableFuture.completedFuture(false);
      if (refill == null) refill = askForLease(Duration.ofNanos(waitNanos));
      waitFor = refill;
    }
    // Several callers share one ask; whoever finds no permit left after it asks again in time.
    return waitFor.thenCompose(v -> tryAcquire(deadlineNanos));
  }

  private CompletableFuture<Void> askForLease(Duration timeout) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    AskPattern.<QuotaEntity.Command, QuotaEntity.Reply>ask(
            sharding.entityRefFor(QuotaEntity.ENTITY_KEY, provider),
            replyTo -> new QuotaEntity.Acquire(limits.leaseSize(), replyTo),
            timeout,
            system.scheduler())
        .whenComplete((reply, error) -> {
          synchronized (this) {
            long now = clock.millis();
            if (reply instanceof QuotaEntity.Leased leased) {
              if (now >= validUntil) permits = 0;
              permits += leased.permits();
              validUntil = leased.validUntilMillis();
            } else if (reply instanceof QuotaEntity.Exhausted exhausted) {
              refusedUntil = Math.min(exhausted.retryAtMillis(), now + settings.recheckAfter().toMillis());
            } else {
              // Unreachable entity (rebalancing, journal down): refuse briefly rather than storm it.
              refusedUntil = now + Math.min(200, settings.recheckAfter().toMillis());
            }
            refill = null;
          }
          done.complete(null);
        });
    return done;
  }
}
