package io.marketgate.app.symbol;

import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.app.provider.ProviderOutcome;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderError;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.RequestOrigin;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The fetch plan against providers the test plays: the order, the shares of the deadline. */
class FetchPlanTest {
  private static final FetchKey KEY = FetchKey.of(Dataset.QUOTE, "AAPL");

  private static CompletionStage<ProviderOutcome> data(String provider) {
    return CompletableFuture.completedFuture(
        new ProviderOutcome.Fetched(provider, "record", "{}".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aDefectOfOurAdapterMovesOnToTheNextProvider() throws Exception {
    PlayedProvider first =
        new PlayedProvider(
            "fmp",
            Duration.ofMillis(1500),
            t ->
                CompletableFuture.completedFuture(
                    ProviderOutcome.failed(
                        "fmp", ProviderErrorCode.INTERNAL, "the adapter failed")));
    PlayedProvider second =
        new PlayedProvider("polygon", Duration.ofMillis(1500), t -> data("polygon"));
    FetchOutcome outcome =
        PlayedProvider.plan(first, second)
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
    PlayedProvider hanging =
        new PlayedProvider(
            "fmp",
            Duration.ofSeconds(10),
            t ->
                CompletableFuture.supplyAsync(
                    () -> ProviderOutcome.failed("fmp", ProviderErrorCode.TIMEOUT, "no answer"),
                    CompletableFuture.delayedExecutor(t.toMillis(), TimeUnit.MILLISECONDS)));
    PlayedProvider second =
        new PlayedProvider("polygon", Duration.ofMillis(1500), t -> data("polygon"));
    long start = System.nanoTime();
    FetchOutcome outcome =
        PlayedProvider.plan(hanging, second)
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
    PlayedProvider never = new PlayedProvider("fmp", Duration.ofSeconds(1), t -> fail("not asked"));
    FetchOutcome outcome =
        PlayedProvider.plan(never)
            .run(KEY, Deadline.after(Duration.ZERO), RequestOrigin.INTERNAL)
            .toCompletableFuture()
            .get(1, TimeUnit.SECONDS);
    FetchOutcome.Failed failed = assertInstanceOf(FetchOutcome.Failed.class, outcome);
    assertEquals(ProviderErrorCode.TIMEOUT, failed.errors().get(0).code());
    assertTrue(never.given.isEmpty());
  }
}
