package io.marketgate.persistence.quota;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The node's side of a leased limit, with a lessor the test answers by hand and a fixed clock. */
class LeaseHolderTest {
  private static final QuotaSettings SETTINGS =
      new QuotaSettings(
          Duration.ofSeconds(5),
          Duration.ofSeconds(1),
          Duration.ofSeconds(1),
          Duration.ofSeconds(1));
  private static final long NOW = 1_000_000;
  private final Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
  private final List<CompletableFuture<QuotaEntity.Reply>> asks = new ArrayList<>();
  private final LeaseHolder.Lessor lessor =
      (permits, timeout) -> {
        CompletableFuture<QuotaEntity.Reply> reply = new CompletableFuture<>();
        asks.add(reply);
        return reply;
      };

  private LeaseHolder holder(boolean failOpen) {
    return new LeaseHolder(
        lessor, 3, SETTINGS, CompletableFuture.completedFuture(null), clock, failOpen);
  }

  private static LeaseHolder.Decision decided(CompletionStage<LeaseHolder.Decision> decision) {
    CompletableFuture<LeaseHolder.Decision> f = decision.toCompletableFuture();
    assertTrue(f.isDone(), "decided");
    return f.join();
  }

  @Test
  void waitingCallersShareOneAskAndThenSpendTheLeaseLocally() {
    LeaseHolder holder = holder(false);
    var first = holder.acquire(Duration.ofSeconds(1));
    var second = holder.acquire(Duration.ofSeconds(1));
    assertEquals(1, asks.size(), "one ask however many wait");
    asks.get(0).complete(new QuotaEntity.Leased(3, NOW + 5000));
    assertTrue(decided(first).granted());
    assertTrue(decided(second).granted());
    assertTrue(holder.tryTakeLocal(), "the third permit is held locally");
    assertFalse(holder.tryTakeLocal(), "the lease is spent");
  }

  @Test
  void aUsedUpLimitRefusesWithTheEntitysTimeNotTheLocalRecheck() {
    LeaseHolder holder = holder(false);
    var refused = holder.acquire(Duration.ofSeconds(1));
    asks.get(0).complete(new QuotaEntity.Exhausted(NOW + 40_000));
    LeaseHolder.Decision decision = decided(refused);
    assertFalse(decision.granted());
    assertEquals(NOW + 40_000, decision.retryAtMillis());
    assertEquals(
        NOW + 40_000,
        decided(holder.acquire(Duration.ofSeconds(1))).retryAtMillis(),
        "refused locally meanwhile");
    assertEquals(1, asks.size(), "without asking again before the recheck");
  }

  @Test
  void anUnreachableEntityRefusesAFailClosedHolderAndPassesAFailOpenOne() {
    LeaseHolder closed = holder(false);
    var closedDecision = closed.acquire(Duration.ofSeconds(1));
    asks.get(0).completeExceptionally(new TimeoutException("no answer"));
    assertFalse(decided(closedDecision).granted(), "a provider quota is never risked");

    LeaseHolder open = holder(true);
    var openDecision = open.acquire(Duration.ofSeconds(1));
    asks.get(1).completeExceptionally(new TimeoutException("no answer"));
    assertTrue(decided(openDecision).granted(), "a client is not refused for a slow limiter");
    assertTrue(
        decided(open.acquire(Duration.ofSeconds(1))).granted(),
        "nor right after, without a new ask");
    assertEquals(2, asks.size());
    assertTrue(open.tryTakeLocal(), "the third of the lease's worth");
    assertEquals(3, open.uncounted(), "what passed uncounted is one lease");
    var beyond = open.acquire(Duration.ofSeconds(1));
    assertEquals(3, asks.size(), "beyond one lease's worth the entity is asked again");
    asks.get(2).complete(new QuotaEntity.Exhausted(NOW + 30_000));
    assertFalse(decided(beyond).granted(), "and its answer counts again");
  }

  @Test
  void beforeTheLimitIsStartedOnlyAFailOpenHolderGrants() {
    CompletableFuture<Void> notStarted = new CompletableFuture<>();
    assertFalse(
        decided(
                new LeaseHolder(lessor, 3, SETTINGS, notStarted, clock, false)
                    .acquire(Duration.ofSeconds(1)))
            .granted());
    assertTrue(
        decided(
                new LeaseHolder(lessor, 3, SETTINGS, notStarted, clock, true)
                    .acquire(Duration.ofSeconds(1)))
            .granted());
    assertEquals(0, asks.size());
  }
}
