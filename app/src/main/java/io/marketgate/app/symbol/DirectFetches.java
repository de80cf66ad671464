package io.marketgate.app.symbol;

import io.marketgate.app.metrics.Metrics;
import io.marketgate.persistence.lastgood.LastGood;
import io.marketgate.persistence.lastgood.LastGoodRepository;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.RequestOrigin;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches on this node itself, for the window in which a key's entity cannot be reached (its member
 * is unreachable, not yet downed): through the same {@link FetchPlan}, so the same breakers and
 * quotas apply, and coalesced per node (requests for a key in flight here share one fetch). What it
 * fetched becomes the key's last good value; the unreachable entity's cache is not touched.
 */
public final class DirectFetches {
  /** How a direct fetch ended, and whether this request joined one already running. */
  public record Fetched(FetchOutcome outcome, long atMillis, boolean joined) {}

  private static final Logger LOG = LoggerFactory.getLogger(DirectFetches.class);

  private final FetchPlan plan;
  private final LastGoodRepository lastGood;
  private final Metrics metrics;
  private final Clock clock;
  private final ConcurrentHashMap<FetchKey, CompletableFuture<Fetched>> inFlight =
      new ConcurrentHashMap<>();

  public DirectFetches(FetchPlan plan, LastGoodRepository lastGood, Metrics metrics, Clock clock) {
    this.plan = plan;
    this.lastGood = lastGood;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Fetches {@code key} within {@code deadline}, or joins the fetch of it already running on this
   * node (which keeps the deadline and origin of the request that started it; a joiner waits no
   * longer than its own deadline). Fails only when the fetch itself failed or the joiner's deadline
   * passed.
   */
  public CompletionStage<Fetched> fetch(FetchKey key, Deadline deadline, RequestOrigin origin) {
    CompletableFuture<Fetched> mine = new CompletableFuture<>();
    CompletableFuture<Fetched> running = inFlight.putIfAbsent(key, mine);
    if (running != null) {
      return running
          .thenApply(f -> new Fetched(f.outcome(), f.atMillis(), true))
          .orTimeout(Math.max(1, deadline.remainingMillis()), TimeUnit.MILLISECONDS);
    }
    CompletionStage<FetchOutcome> run;
    try {
      run = plan.run(key, deadline, origin);
    } catch (RuntimeException defect) {
      run = CompletableFuture.failedFuture(defect);
    }
    run.whenComplete(
        (outcome, error) -> {
          inFlight.remove(key, mine);
          if (error != null) {
            metrics.directFetch(key.dataset(), "failed");
            mine.completeExceptionally(error);
            return;
          }
          long now = clock.millis();
          if (outcome instanceof FetchOutcome.Fetched f) {
            metrics.directFetch(key.dataset(), "fetched");
            keep(new LastGood(key, f.data(), f.provider(), f.fallback(), now, f.confidence()));
          } else {
            metrics.directFetch(
                key.dataset(), outcome instanceof FetchOutcome.NotFound ? "not_found" : "failed");
          }
          mine.complete(new Fetched(outcome, now, false));
        });
    return mine;
  }

  /** The answer stands even when the last-good store refuses it. */
  private void keep(LastGood value) {
    try {
      lastGood.save(value);
    } catch (RuntimeException e) {
      LOG.warn("Could not keep the last good value of {}", value.key(), e);
    }
  }
}
