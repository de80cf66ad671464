package io.marketgate.app.symbol;

import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.app.config.DatasetRouting;
import io.marketgate.app.provider.BatchOutcome;
import io.marketgate.app.provider.ProviderHandle;
import io.marketgate.app.provider.ProviderOutcome;
import io.marketgate.app.provider.ProviderPlans;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderError;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.RequestOrigin;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The fetch plan against providers the test plays: the order, the shares of the deadline. */
class FetchPlanTest {
  private static final FetchKey KEY = FetchKey.of(Dataset.QUOTE, "AAPL");

  /** A provider whose answers the test decides, recording the timeout each attempt was given. */
  private static final class Played implements ProviderHandle {
    final String name;
    final Duration timeout;
    final Function<Duration, CompletionStage<ProviderOutcome>> answer;
    final List<Duration> given = new ArrayList<>();

    Played(
        String name,
        Duration timeout,
        Function<Duration, CompletionStage<ProviderOutcome>> answer) {
      this.name = name;
      this.timeout = timeout;
      this.answer = answer;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Duration timeout() {
      return timeout;
    }

    @Override
    public double confidence() {
      return 0.9;
    }

    @Override
    public Set<Dataset> datasets() {
      return Set.of(Dataset.QUOTE);
    }

    @Override
    public int maxBatchSize() {
      return 0;
    }

    @Override
    public CompletionStage<ProviderOutcome> fetch(FetchKey key, Duration t, RequestOrigin origin) {
      given.add(t);
      return answer.apply(t);
    }

    @Override
    public CompletionStage<BatchOutcome> fetchBatch(
        List<FetchKey> keys, Duration t, RequestOrigin origin) {
      throw new UnsupportedOperationException();
    }
  }

  private static FetchPlan plan(ProviderHandle... providers) {
    return new FetchPlan(
        new ProviderPlans() {
          @Override
          public List<ProviderHandle> planFor(Dataset dataset) {
            return List.of(providers);
          }

          @Override
          public DatasetRouting routingOf(Dataset dataset) {
            return DatasetRouting.NONE;
          }
        });
  }

  private static CompletionStage<ProviderOutcome> data(String provider) {
    return CompletableFuture.completedFuture(
        new ProviderOutcome.Fetched(provider, "record", "{}".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aDefectOfOurAdapterMovesOnToTheNextProvider() throws Exception {
    Played first =
        new Played(
            "fmp",
            Duration.ofMillis(1500),
            t ->
                CompletableFuture.completedFuture(
                    ProviderOutcome.failed(
                        "fmp", ProviderErrorCode.INTERNAL, "the adapter failed")));
    Played second = new Played("polygon", Duration.ofMillis(1500), t -> data("polygon"));
    FetchOutcome outcome =
        plan(first, second)
            .run(KEY, Deadline.after(Duration.ofSeconds(3)), RequestOrigin.INTERNAL)
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    FetchOutcome.Fetched fetched = assertInstanceOf(FetchOutcome.Fetched.class, outcome);
    assertEquals("polygon", fetched.provider());
    assertTrue(fetched.fallback());
    assertEquals(List.of("fmp", "polygon"), fetched.providersAttempted());
    assertEquals(
        List.of(new ProviderError("fmp", ProviderErrorCode.INTERNAL, "the adapter failed")),
        fetched.errors());
  }

  @Test
  void eachAttemptGetsItsTimeoutButNoMoreThanItsShareOfWhatIsLeft() throws Exception {
    Played hanging =
        new Played(
            "fmp",
            Duration.ofSeconds(10),
            t ->
                CompletableFuture.supplyAsync(
                    () -> ProviderOutcome.failed("fmp", ProviderErrorCode.TIMEOUT, "no answer"),
                    CompletableFuture.delayedExecutor(t.toMillis(), TimeUnit.MILLISECONDS)));
    Played second = new Played("polygon", Duration.ofMillis(1500), t -> data("polygon"));
    long start = System.nanoTime();
    FetchOutcome outcome =
        plan(hanging, second)
            .run(KEY, Deadline.after(Duration.ofSeconds(2)), RequestOrigin.INTERNAL)
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertInstanceOf(FetchOutcome.Fetched.class, outcome);
    long firstShare = hanging.given.get(0).toMillis();
    assertTrue(
        firstShare > 900 && firstShare <= 1000, "half of 2 s for the first of two: " + firstShare);
    long secondShare = second.given.get(0).toMillis();
    assertTrue(secondShare <= 1000, "what is left, under its own 1.5 s: " + secondShare);
    assertTrue(tookMillis < 2000, "within the deadline: " + tookMillis);
  }

  @Test
  void aPassedDeadlineTriesNobodyAndSaysSo() throws Exception {
    Played never = new Played("fmp", Duration.ofSeconds(1), t -> fail("not asked"));
    FetchOutcome outcome =
        plan(never)
            .run(KEY, Deadline.after(Duration.ZERO), RequestOrigin.INTERNAL)
            .toCompletableFuture()
            .get(1, TimeUnit.SECONDS);
    FetchOutcome.Failed failed = assertInstanceOf(FetchOutcome.Failed.class, outcome);
    assertEquals(ProviderErrorCode.TIMEOUT, failed.errors().get(0).code());
    assertTrue(never.given.isEmpty());
  }
}
