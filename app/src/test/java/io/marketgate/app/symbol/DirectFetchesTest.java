package io.marketgate.app.symbol;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import io.marketgate.app.metrics.Metrics;
import io.marketgate.app.provider.ProviderOutcome;
import io.marketgate.persistence.lastgood.LastGood;
import io.marketgate.persistence.lastgood.LastGoodRepository;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.RequestOrigin;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A node's own fetches while entities are out of reach: coalesced, bounded, never stuck. */
class DirectFetchesTest {
  private static final FetchKey KEY = FetchKey.of(Dataset.QUOTE, "DFX");
  private static final RequestOrigin ORIGIN = RequestOrigin.INTERNAL;
  private final Metrics metrics = Metrics.start(ConfigFactory.load());

  private static CompletionStage<ProviderOutcome> priced() {
    return CompletableFuture.completedFuture(
        new ProviderOutcome.Fetched(
            "fmp", "record", "{\"price\":1}".getBytes(StandardCharsets.UTF_8)));
  }

  private static LastGoodRepository refusing() {
    return new LastGoodRepository() {
      @Override
      public void save(LastGood value) {
        throw new IllegalStateException("the write-behind queue is full");
      }

      @Override
      public CompletionStage<List<LastGood>> load(String symbol) {
        return CompletableFuture.completedFuture(List.of());
      }

      @Override
      public CompletionStage<Optional<LastGood>> find(FetchKey key) {
        return CompletableFuture.completedFuture(Optional.empty());
      }
    };
  }

  private DirectFetches direct(PlayedProvider provider, LastGoodRepository lastGood) {
    return new DirectFetches(PlayedProvider.plan(provider), lastGood, metrics, Clock.systemUTC());
  }

  private static Deadline seconds(int n) {
    return Deadline.after(Duration.ofSeconds(n));
  }

  @Test
  void aProviderThatThrowsEndsTheFetchAndTheNextOneRunsAnew() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    DirectFetches fetches =
        direct(
            new PlayedProvider(
                "fmp",
                Duration.ofSeconds(1),
                t -> {
                  if (calls.incrementAndGet() == 1) throw new IllegalStateException("a defect");
                  return priced();
                }),
            LastGoodRepository.NONE);
    CompletableFuture<DirectFetches.Fetched> first =
        fetches.fetch(KEY, seconds(3), ORIGIN).toCompletableFuture();
    try {
      DirectFetches.Fetched ended = first.get(1, TimeUnit.SECONDS);
      assertFalse(ended.outcome() instanceof FetchOutcome.Fetched, "no data: " + ended);
    } catch (ExecutionException failed) {
      // failing the stage is as good: the request falls back to the last good value
    }
    DirectFetches.Fetched second =
        fetches.fetch(KEY, seconds(3), ORIGIN).toCompletableFuture().get(1, TimeUnit.SECONDS);
    assertInstanceOf(FetchOutcome.Fetched.class, second.outcome());
    assertEquals(2, calls.get(), "the failed fetch was not left in flight");
  }

  @Test
  void aJoinerWaitsNoLongerThanItsOwnDeadline() throws Exception {
    CompletableFuture<ProviderOutcome> slow = new CompletableFuture<>();
    DirectFetches fetches =
        direct(
            new PlayedProvider("fmp", Duration.ofSeconds(5), t -> slow), LastGoodRepository.NONE);
    CompletableFuture<DirectFetches.Fetched> first =
        fetches.fetch(KEY, seconds(5), ORIGIN).toCompletableFuture();
    CompletableFuture<DirectFetches.Fetched> joiner =
        fetches.fetch(KEY, Deadline.after(Duration.ofMillis(200)), ORIGIN).toCompletableFuture();
    ExecutionException late =
        assertThrows(ExecutionException.class, () -> joiner.get(2, TimeUnit.SECONDS));
    assertInstanceOf(TimeoutException.class, late.getCause());
    assertFalse(first.isDone(), "the fetch goes on for the request that started it");
    slow.complete(priced().toCompletableFuture().join());
    assertInstanceOf(FetchOutcome.Fetched.class, first.get(1, TimeUnit.SECONDS).outcome());
  }

  @Test
  void aLastGoodStoreThatRefusesDoesNotCostTheAnswer() throws Exception {
    DirectFetches fetches =
        direct(new PlayedProvider("fmp", Duration.ofSeconds(1), t -> priced()), refusing());
    DirectFetches.Fetched fetched =
        fetches.fetch(KEY, seconds(3), ORIGIN).toCompletableFuture().get(1, TimeUnit.SECONDS);
    assertInstanceOf(FetchOutcome.Fetched.class, fetched.outcome());
  }
}
