package io.marketgate.app.symbol;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import io.marketgate.app.metrics.Metrics;
import io.marketgate.app.provider.ProviderOutcome;
import io.marketgate.persistence.lastgood.LastGood;
import io.marketgate.persistence.lastgood.LastGoodRepository;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderError;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.RequestOrigin;
import io.marketgate.protocol.SymbolProtocol;
import io.marketgate.protocol.SymbolProtocol.Answer;
import io.marketgate.protocol.SymbolProtocol.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What a data request answers, without a node: the symbol entity and the batch runner are functions
 * the test plays, the near-cache and last-good store are the real ones or stand-ins.
 */
class SymbolGatewayTest {
  private static final RequestOrigin ORIGIN = RequestOrigin.INTERNAL;
  private static final Duration RESERVE = Duration.ofMillis(300);
  private static final long NOW = System.currentTimeMillis();

  private final Metrics metrics = Metrics.start(ConfigFactory.load());
  private final NearCache nearCache =
      new NearCache(k -> Duration.ofMinutes(5).toMillis(), 1000, Clock.systemUTC());
  private final Map<FetchKey, LastGood> stored = new ConcurrentHashMap<>();
  private final List<FetchKey> asked = new ArrayList<>();
  private final List<Duration> askTimeouts = new ArrayList<>();
  private final List<LastGood> saved = new CopyOnWriteArrayList<>();
  private SymbolGateway.Reach reach = SymbolGateway.Reach.allReachable();

  private static FetchKey quote(String symbol) {
    return FetchKey.of(Dataset.QUOTE, symbol);
  }

  private static byte[] data(String symbol) {
    return ("{\"symbol\":\"" + symbol + "\",\"price\":10}").getBytes(StandardCharsets.UTF_8);
  }

  private static Answer fresh(FetchKey key, boolean coalesced) {
    return new Answer(
        key,
        data(key.symbol()),
        "fmp",
        false,
        false,
        false,
        NOW,
        0.95,
        List.of("fmp"),
        coalesced,
        false,
        List.of());
  }

  private static final List<ProviderError> OUTAGE =
      List.of(new ProviderError("fmp", ProviderErrorCode.NETWORK_ERROR, "HTTP 503"));

  private LastGoodRepository lastGood() {
    return new LastGoodRepository() {
      @Override
      public void save(LastGood value) {
        saved.add(value);
      }

      @Override
      public CompletionStage<List<LastGood>> load(String symbol) {
        return CompletableFuture.completedFuture(List.of());
      }

      @Override
      public CompletionStage<Optional<LastGood>> find(FetchKey key) {
        return CompletableFuture.completedFuture(Optional.ofNullable(stored.get(key)));
      }
    };
  }

  /** A gateway whose entity answers as {@code entity} says (null: it never answers in time). */
  private SymbolGateway gateway(Function<FetchKey, CompletionStage<Reply>> entity) {
    return gateway(entity, lastGood(), (keys, maxAge, budget, origin) -> null);
  }

  private SymbolGateway gateway(
      Function<FetchKey, CompletionStage<Reply>> entity,
      LastGoodRepository lastGood,
      SymbolGateway.Batches batches) {
    return new SymbolGateway(
        (key, message, timeout) -> {
          synchronized (asked) {
            asked.add(key);
            askTimeouts.add(timeout);
          }
          return entity.apply(key);
        },
        batches,
        dataset -> dataset == Dataset.QUOTE,
        nearCache,
        lastGood,
        metrics,
        RESERVE,
        reach);
  }

  private static DataResult await(CompletionStage<DataResult> result) throws Exception {
    return result.toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static Answer served(DataResult result) {
    return assertInstanceOf(DataResult.Served.class, result, result.toString()).answer();
  }

  private static DataProblem refused(DataResult result) {
    return assertInstanceOf(DataResult.Refused.class, result, result.toString()).problem();
  }

  private long counted(String result) {
    return ((Number) metrics.nodeCounters().cacheView().get(result)).longValue();
  }

  private static Deadline deadline() {
    return Deadline.after(Duration.ofSeconds(3));
  }

  @Test
  void aHitIsAnsweredFromTheNearCacheAtOnceWithoutAskingTheEntity() throws Exception {
    nearCache.offer(fresh(quote("HIT"), false));
    CompletionStage<DataResult> result =
        gateway(k -> fail("the entity must not be asked"))
            .get(quote("HIT"), -1, ORIGIN, deadline());
    assertTrue(result.toCompletableFuture().isDone(), "completed at once");
    Answer a = served(await(result));
    assertTrue(a.cached() && !a.stale());
    assertEquals(1, counted("hit"));
  }

  @Test
  void aMissAsksTheEntityAndCoalescedAnswersAreCountedAsSuchThenHeldForTheNext() throws Exception {
    CompletableFuture<Reply> oneFetch = new CompletableFuture<>();
    int[] asks = {0};
    SymbolGateway gateway =
        gateway(
            k -> {
              boolean joined = asks[0]++ > 0;
              return oneFetch.thenApply(r -> joined ? fresh(k, true) : r);
            });
    CompletionStage<DataResult> first = gateway.get(quote("MISS"), -1, ORIGIN, deadline());
    CompletionStage<DataResult> second = gateway.get(quote("MISS"), -1, ORIGIN, deadline());
    oneFetch.complete(fresh(quote("MISS"), false));

    assertFalse(served(await(first)).coalesced());
    assertTrue(served(await(second)).coalesced());
    assertEquals(1, counted("miss"));
    assertEquals(1, counted("coalesced"));
    Answer third = served(await(gateway.get(quote("MISS"), -1, ORIGIN, deadline())));
    assertTrue(third.cached(), "held in the near-cache");
    assertEquals(2, asked.size(), "the third request asked nobody");
  }

  @Test
  void aStaleAnswerFromTheEntitysMemoryIsServedButNotHeld() throws Exception {
    Answer stale =
        Answers.stale(
            quote("OLD"),
            new StoredValue(data("OLD"), "fmp", false, NOW - 600_000, 0.95),
            List.of("fmp"),
            OUTAGE,
            false);
    SymbolGateway gateway = gateway(k -> CompletableFuture.completedFuture(stale));
    Answer a = served(await(gateway.get(quote("OLD"), -1, ORIGIN, deadline())));
    assertTrue(a.stale());
    assertEquals(0.475, a.confidence(), 1e-9, "half the confidence, once");
    assertEquals(1, counted("stale"));
    assertNull(nearCache.get(quote("OLD"), -1), "a stale answer is not held");
  }

  @Test
  void withNoDataFromTheEntityTheLastGoodValueIsServedStale() throws Exception {
    stored.put(
        quote("KEPT"),
        new LastGood(quote("KEPT"), data("KEPT"), "polygon", true, NOW - 60_000, 0.9));
    SymbolGateway gateway =
        gateway(
            k ->
                CompletableFuture.completedFuture(
                    new SymbolProtocol.Unavailable(k, List.of("fmp"), OUTAGE)));
    Answer a = served(await(gateway.get(quote("KEPT"), -1, ORIGIN, deadline())));
    assertTrue(a.stale() && a.cached());
    assertEquals(0.45, a.confidence(), 1e-9);
    assertEquals("polygon", a.source());
    assertTrue(a.fallback(), "as stored");
    assertEquals(OUTAGE, a.errors());
    assertEquals(List.of("fmp"), a.providersAttempted());
    assertEquals(1, counted("stale"));
    assertEquals(0, counted("miss"), "counted once, as stale");
  }

  @Test
  void anEntityThatDoesNotAnswerGivesTheLastGoodValueOrEntityUnreachable() throws Exception {
    stored.put(
        quote("GONE"), new LastGood(quote("GONE"), data("GONE"), "fmp", false, NOW - 5_000, 0.95));
    SymbolGateway gateway =
        gateway(k -> CompletableFuture.failedFuture(new TimeoutException("ask timed out")));
    Answer kept = served(await(gateway.get(quote("GONE"), -1, ORIGIN, deadline())));
    assertTrue(kept.stale());
    assertEquals("gateway", kept.errors().get(0).provider());
    assertEquals(ProviderErrorCode.TIMEOUT, kept.errors().get(0).code());

    DataProblem problem = refused(await(gateway.get(quote("NONE"), -1, ORIGIN, deadline())));
    assertEquals(503, problem.status());
    assertEquals("entity-unreachable", problem.type());
    assertEquals(ProviderErrorCode.TIMEOUT, problem.errors().get(0).code());
  }

  @Test
  void theDeadlineBoundsTheWholeRequestEvenWhenNothingAnswers() throws Exception {
    LastGoodRepository hanging =
        new LastGoodRepository() {
          @Override
          public void save(LastGood value) {}

          @Override
          public CompletionStage<List<LastGood>> load(String symbol) {
            return new CompletableFuture<>();
          }

          @Override
          public CompletionStage<Optional<LastGood>> find(FetchKey key) {
            return new CompletableFuture<>();
          }
        };
    Duration[] timeoutGiven = new Duration[1];
    SymbolGateway gateway =
        new SymbolGateway(
            (key, message, timeout) -> {
              timeoutGiven[0] = timeout;
              return CompletableFuture.supplyAsync(
                  () -> {
                    throw new IllegalStateException("ask timed out");
                  },
                  CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS));
            },
            (keys, maxAge, budget, origin) -> null,
            dataset -> true,
            nearCache,
            hanging,
            metrics,
            RESERVE,
            SymbolGateway.Reach.allReachable());
    long start = System.nanoTime();
    DataProblem problem =
        refused(
            await(gateway.get(quote("SLOW"), -1, ORIGIN, Deadline.after(Duration.ofMillis(800)))));
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertEquals("entity-unreachable", problem.type());
    assertTrue(
        timeoutGiven[0].toMillis() <= 500,
        "the entity had the deadline less the fallback reserve: " + timeoutGiven[0]);
    assertTrue(
        tookMillis >= 700 && tookMillis < 1500, "ended at the deadline: " + tookMillis + " ms");
  }

  @Test
  void anUnknownSymbolIs404AndADatasetWithoutProvidersIs503() throws Exception {
    SymbolGateway gateway =
        gateway(
            k ->
                CompletableFuture.completedFuture(
                    new SymbolProtocol.NotFound(k, List.of("fmp"), List.of())));
    assertEquals(404, refused(await(gateway.get(quote("ZZZ"), -1, ORIGIN, deadline()))).status());
    DataProblem none =
        refused(await(gateway.get(FetchKey.of(Dataset.NEWS, "AAPL"), -1, ORIGIN, deadline())));
    assertEquals("dataset-unavailable", none.type());
  }

  @Test
  void aBatchMixesHitsFreshStaleStoredUnknownAndUnanswered() throws Exception {
    nearCache.offer(fresh(quote("BHIT"), false));
    stored.put(
        quote("BKEPT"),
        new LastGood(quote("BKEPT"), data("BKEPT"), "fmp", false, NOW - 9_000, 0.95));
    Map<FetchKey, Reply> replies = new HashMap<>();
    replies.put(quote("BNEW"), fresh(quote("BNEW"), false));
    replies.put(
        quote("BOLD"),
        Answers.stale(
            quote("BOLD"),
            new StoredValue(data("BOLD"), "fmp", false, NOW - 600_000, 0.95),
            List.of("fmp"),
            OUTAGE,
            false));
    replies.put(
        quote("BKEPT"), new SymbolProtocol.Unavailable(quote("BKEPT"), List.of("fmp"), OUTAGE));
    replies.put(
        quote("BZZZ"), new SymbolProtocol.NotFound(quote("BZZZ"), List.of("fmp"), List.of()));
    // BLOST: no reply within the budget.
    List<List<FetchKey>> batched = new ArrayList<>();
    SymbolGateway gateway =
        gateway(
            k -> fail("a batch asks through its runner"),
            lastGood(),
            (keys, maxAge, budget, origin) -> {
              batched.add(keys);
              return CompletableFuture.completedFuture(replies);
            });
    List<FetchKey> keys =
        List.of(
            quote("BHIT"),
            quote("BNEW"),
            quote("BOLD"),
            quote("BKEPT"),
            quote("BZZZ"),
            quote("BLOST"));
    Map<FetchKey, DataResult> results =
        gateway.batch(keys, -1, ORIGIN, deadline()).toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertEquals(
        List.of(
            List.of(quote("BNEW"), quote("BOLD"), quote("BKEPT"), quote("BZZZ"), quote("BLOST"))),
        batched,
        "the hit is not fetched");
    assertTrue(served(results.get(quote("BHIT"))).cached());
    assertFalse(served(results.get(quote("BNEW"))).cached());
    assertTrue(served(results.get(quote("BOLD"))).stale());
    assertTrue(served(results.get(quote("BKEPT"))).stale());
    assertEquals(404, refused(results.get(quote("BZZZ"))).status());
    assertEquals("entity-unreachable", refused(results.get(quote("BLOST"))).type());
    assertEquals(1, counted("hit"));
    assertEquals(2, counted("stale"));
  }

  @Test
  void aBatchThatCannotRunFailsItsStage() {
    SymbolGateway gateway =
        gateway(
            k -> fail("not asked"),
            lastGood(),
            (keys, maxAge, budget, origin) ->
                CompletableFuture.failedFuture(new IllegalStateException("coordinator failed")));
    CompletableFuture<Map<FetchKey, DataResult>> result =
        gateway.batch(List.of(quote("BFAIL")), -1, ORIGIN, deadline()).toCompletableFuture();
    assertTrue(result.isCompletedExceptionally());
  }

  /** A member is unreachable; the direct path fetches through {@code provider}. */
  private void unreachableMember(PlayedProvider provider) {
    reach =
        new SymbolGateway.Reach(
            () -> true,
            Duration.ofMillis(200),
            new DirectFetches(
                PlayedProvider.plan(provider), lastGood(), metrics, Clock.systemUTC()));
  }

  private static CompletionStage<Reply> neverAnswers(FetchKey key) {
    return CompletableFuture.supplyAsync(
        () -> {
          throw new IllegalStateException("ask timed out");
        },
        CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
  }

  private static CompletionStage<ProviderOutcome> priced(String provider) {
    return CompletableFuture.completedFuture(
        new ProviderOutcome.Fetched(provider, "record", data("DIRECT")));
  }

  @Test
  void whileAMemberIsUnreachableAnEntityThatDoesNotAnswerSoonIsReplacedByOneFetchOnThisNode()
      throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<ProviderOutcome> release = new CompletableFuture<>();
    unreachableMember(
        new PlayedProvider(
            "fmp",
            Duration.ofSeconds(1),
            t -> {
              calls.incrementAndGet();
              return release.thenCompose(go -> priced("fmp"));
            }));
    List<CompletableFuture<Reply>> unanswered = new CopyOnWriteArrayList<>();
    SymbolGateway gateway =
        gateway(
            k -> {
              CompletableFuture<Reply> ask = new CompletableFuture<>();
              unanswered.add(ask);
              return ask;
            });
    List<CompletableFuture<DataResult>> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      results.add(gateway.get(quote("DIRECT"), 0, ORIGIN, deadline()).toCompletableFuture());
    }
    // The five asks time out; each request then turns to the direct fetch, still running.
    unanswered.forEach(ask -> ask.completeExceptionally(new TimeoutException("ask timed out")));
    assertEquals(1, calls.get(), "the first started the fetch, the others joined it");
    release.complete(null);
    int joined = 0;
    for (CompletableFuture<DataResult> r : results) {
      DataResult.Served served =
          assertInstanceOf(DataResult.Served.class, r.get(5, TimeUnit.SECONDS));
      assertTrue(served.direct(), "marked direct");
      assertFalse(served.answer().stale());
      assertEquals("fmp", served.answer().source());
      if (served.answer().coalesced()) joined++;
    }
    assertEquals(1, calls.get(), "one provider call for five requests on this node");
    assertEquals(4, joined, "the other four joined it");
    assertTrue(
        askTimeouts.stream().allMatch(t -> t.toMillis() <= 200),
        "the entity had the reach timeout: " + askTimeouts);
    assertEquals(1, saved.size(), "written to the last good store once");
    assertEquals(quote("DIRECT"), saved.get(0).key());
    Answer held = nearCache.get(quote("DIRECT"), -1);
    assertNotNull(held, "held in this node's near-cache for its next requests");
    assertTrue(held.cached());
    assertEquals(1, counted("miss"));
    assertEquals(4, counted("coalesced"));
  }

  @Test
  void whileAMemberIsUnreachableAnEntityThatAnswersInTimeIsUsedAndNothingIsFetchedHere()
      throws Exception {
    unreachableMember(new PlayedProvider("fmp", Duration.ofSeconds(1), t -> fail("not asked")));
    SymbolGateway gateway = gateway(k -> CompletableFuture.completedFuture(fresh(k, false)));
    DataResult.Served served =
        assertInstanceOf(
            DataResult.Served.class, await(gateway.get(quote("NEAR"), 0, ORIGIN, deadline())));
    assertFalse(served.direct());
    assertTrue(saved.isEmpty());
  }

  @Test
  void aDirectFetchThatFailsFallsBackToTheLastGoodValue() throws Exception {
    stored.put(
        quote("DOWN"), new LastGood(quote("DOWN"), data("DOWN"), "fmp", false, NOW - 5_000, 0.95));
    unreachableMember(
        new PlayedProvider(
            "fmp",
            Duration.ofSeconds(1),
            t ->
                CompletableFuture.completedFuture(
                    ProviderOutcome.failed("fmp", ProviderErrorCode.NETWORK_ERROR, "HTTP 503"))));
    SymbolGateway gateway = gateway(SymbolGatewayTest::neverAnswers);
    DataResult.Served served =
        assertInstanceOf(
            DataResult.Served.class, await(gateway.get(quote("DOWN"), 0, ORIGIN, deadline())));
    assertTrue(served.answer().stale());
    assertEquals(ProviderErrorCode.NETWORK_ERROR, served.answer().errors().get(0).code());
    assertTrue(saved.isEmpty(), "nothing new to keep");
  }

  @Test
  void withEveryMemberReachableNoDirectFetchHappens() throws Exception {
    SymbolGateway gateway =
        gateway(k -> CompletableFuture.failedFuture(new TimeoutException("ask timed out")));
    DataProblem problem = refused(await(gateway.get(quote("ALONE"), 0, ORIGIN, deadline())));
    assertEquals("entity-unreachable", problem.type());
    assertTrue(askTimeouts.get(0).toMillis() > 2000, "the whole budget: " + askTimeouts);
  }

  @Test
  void aDeadLettersRetryTakesTheDirectPathWhileAMemberIsUnreachable() throws Exception {
    unreachableMember(new PlayedProvider("fmp", Duration.ofSeconds(1), t -> priced("fmp")));
    SymbolGateway gateway = gateway(SymbolGatewayTest::neverAnswers);
    Reply reply =
        gateway
            .refetch(
                quote("RETRY"),
                Duration.ofSeconds(3),
                Duration.ofSeconds(1),
                RequestOrigin.DEAD_LETTER_RETRY)
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    Answer answer = assertInstanceOf(Answer.class, reply);
    assertFalse(answer.stale());
    assertEquals(1, saved.size());
  }

  @Test
  void whileEntitiesAreOutOfReachABatchFetchesTheKeysNoEntityAnsweredAfterHalfItsBudget()
      throws Exception {
    unreachableMember(new PlayedProvider("fmp", Duration.ofSeconds(1), t -> priced("fmp")));
    Duration[] batchBudget = new Duration[1];
    SymbolGateway gateway =
        gateway(
            k -> fail("a batch asks through its runner"),
            lastGood(),
            (keys, maxAge, budget, origin) -> {
              batchBudget[0] = budget;
              return CompletableFuture.completedFuture(
                  Map.of(quote("BREACH"), fresh(quote("BREACH"), false)));
            });
    Map<FetchKey, DataResult> results =
        gateway
            .batch(List.of(quote("BREACH"), quote("BGONE")), -1, ORIGIN, deadline())
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    assertTrue(
        batchBudget[0].toMillis() <= (3000 - RESERVE.toMillis()) / 2,
        "half of the budget for the batch: " + batchBudget[0]);
    DataResult.Served answered =
        assertInstanceOf(DataResult.Served.class, results.get(quote("BREACH")));
    assertFalse(answered.direct());
    DataResult.Served gone = assertInstanceOf(DataResult.Served.class, results.get(quote("BGONE")));
    assertTrue(gone.direct(), "the key no entity answered was fetched by this node");
    assertFalse(gone.answer().stale());
  }
}
