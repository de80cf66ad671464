package io.marketgate.app.symbol;

import io.marketgate.app.concurrent.Stages;
import io.marketgate.app.logging.OccasionalLog;
import io.marketgate.app.metrics.Metrics;
import io.marketgate.app.metrics.Metrics.CacheResult;
import io.marketgate.persistence.lastgood.LastGood;
import io.marketgate.persistence.lastgood.LastGoodRepository;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderError;
import io.marketgate.protocol.RequestOrigin;
import io.marketgate.protocol.SymbolProtocol;
import io.marketgate.protocol.SymbolProtocol.Answer;
import io.marketgate.protocol.SymbolProtocol.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.LoggerFactory;

/**
 * What a data request answers, in one place: this node's near-cache, else one ask to the key's
 * symbol entity within the request's {@link Deadline}; when the entity has no data (every provider
 * failed and it holds nothing) or does not answer in time, the durable last good value, stale;
 * otherwise the problem that says why not. While a member is unreachable the entity (which may live
 * there) has only the {@link Reach} timeout, then this node fetches the key itself. It counts the
 * cache metrics of every request it answers ({@code cache_requests_total}: hit, miss, coalesced,
 * stale), once per request.
 */
public final class SymbolGateway {
  private static final OccasionalLog UNANSWERED =
      new OccasionalLog(LoggerFactory.getLogger(SymbolGateway.class), Duration.ofSeconds(10));

  /**
   * Sends the entity of {@code key}'s symbol the command {@code message} makes; the stage fails
   * when it does not answer within {@code timeout}.
   */
  @FunctionalInterface
  public interface EntityAsk {
    CompletionStage<Reply> ask(
        FetchKey key, Function<ActorRef<Reply>, SymbolProtocol.Command> message, Duration timeout);

    /** Through cluster sharding, to wherever the entity lives. */
    static EntityAsk sharded(ClusterSharding sharding) {
      return (key, message, timeout) ->
          sharding
              .entityRefFor(SymbolProtocol.ENTITY_KEY, key.symbol())
              .ask(message::apply, timeout);
    }
  }

  /**
   * While {@code outOfReach} says entities may be out of reach (a member that hosts shards is
   * unreachable, or its shards are moving), the entity has {@code reachTimeout} to answer before
   * this node fetches the key itself through {@code direct}.
   */
  public record Reach(BooleanSupplier outOfReach, Duration reachTimeout, DirectFetches direct) {
    /** Every entity always in reach: no direct fetches (tests of other things). */
    public static Reach allReachable() {
      return new Reach(() -> false, Duration.ZERO, null);
    }
  }

  /** Many quotes with as few provider calls as possible ({@link BatchFetch}). */
  @FunctionalInterface
  public interface Batches {
    /** Each key's reply; a key missing from the map got none within {@code budget}. */
    CompletionStage<Map<FetchKey, Reply>> run(
        List<FetchKey> keys, long maxAgeMillis, Duration budget, RequestOrigin origin);
  }

  private final EntityAsk entities;
  private final Batches batches;
  private final Predicate<Dataset> served;
  private final NearCache nearCache;
  private final LastGoodRepository lastGood;
  private final Metrics metrics;
  private final Duration fallbackReserve;
  private final Reach reach;

  /**
   * @param served whether any provider serves a dataset on this node
   * @param fallbackReserve kept back from the deadline to read the last good value when the entity
   *     cannot answer
   */
  public SymbolGateway(
      EntityAsk entities,
      Batches batches,
      Predicate<Dataset> served,
      NearCache nearCache,
      LastGoodRepository lastGood,
      Metrics metrics,
      Duration fallbackReserve,
      Reach reach) {
    this.entities = entities;
    this.batches = batches;
    this.served = served;
    this.nearCache = nearCache;
    this.lastGood = lastGood;
    this.metrics = metrics;
    this.fallbackReserve = fallbackReserve;
    this.reach = reach;
  }

  /** Whether any provider serves {@code dataset} on this node. */
  public boolean serves(Dataset dataset) {
    return served.test(dataset);
  }

  /**
   * The hit path: this node's copy of a fresh answer for {@code key} no older than {@code
   * maxAgeMillis} (negative: the dataset's max age), counted as a hit; null when there is none.
   */
  public Answer hit(FetchKey key, long maxAgeMillis) {
    Answer near = nearCache.get(key, maxAgeMillis);
    if (near != null) metrics.cacheRequest(key.dataset(), CacheResult.HIT);
    return near;
  }

  /**
   * The answer for {@code key} no older than {@code maxAgeMillis} (negative: the dataset's max
   * age). A hit completes at once.
   */
  public CompletionStage<DataResult> get(
      FetchKey key, long maxAgeMillis, RequestOrigin origin, Deadline deadline) {
    if (!served.test(key.dataset())) {
      return CompletableFuture.completedFuture(
          new DataResult.Refused(DataProblem.noProvider(key.dataset())));
    }
    Answer near = hit(key, maxAgeMillis);
    if (near != null) return CompletableFuture.completedFuture(new DataResult.Served(near));
    Duration budget = deadline.earlier(fallbackReserve).remaining();
    boolean unreachable = reach.outOfReach().getAsBoolean();
    // While a member is unreachable, wait on the entity only briefly; it keeps the whole budget
    // for its own fetch, so a reachable but slow entity still fills its cache.
    Duration timeout = unreachable ? min(reach.reachTimeout(), budget) : budget;
    return Stages.direct(
            entities.ask(
                key,
                replyTo ->
                    new SymbolProtocol.Get(key, maxAgeMillis, budget.toMillis(), origin, replyTo),
                timeout))
        .handle(
            (reply, error) -> {
              if (error != null && !unreachable) unanswered(key, timeout, error);
              return reply;
            })
        .thenCompose(
            reply ->
                reply == null && unreachable
                    ? direct(key, origin, deadline)
                    : settle(key, reply, deadline));
  }

  /**
   * A dead letter's retry: the entity fetches the key anew within {@code budget}; while a member is
   * unreachable and the entity does not answer within the reach timeout, this node does. Fails when
   * no answer came within the budget and {@code replyGrace} (the entity replies at its budget at
   * the latest; the grace lets that reply travel).
   */
  public CompletionStage<Reply> refetch(
      FetchKey key, Duration budget, Duration replyGrace, RequestOrigin origin) {
    Deadline deadline = Deadline.after(budget);
    boolean unreachable = reach.outOfReach().getAsBoolean();
    Duration timeout = unreachable ? min(reach.reachTimeout(), budget) : budget.plus(replyGrace);
    CompletionStage<Reply> asked =
        entities.ask(
            key,
            replyTo -> new SymbolProtocol.Refetch(key, budget.toMillis(), origin, replyTo),
            timeout);
    if (!unreachable) return asked;
    return Stages.direct(asked)
        .handle((reply, error) -> reply)
        .thenCompose(
            reply ->
                reply != null
                    ? CompletableFuture.completedFuture(reply)
                    : reach.direct().fetch(key, deadline, origin).thenApply(f -> asReply(key, f)));
  }

  /**
   * This node fetches the key itself: answered fresh (marked direct), or settled like an entity's
   * reply (the last good value, or the problem).
   */
  private CompletionStage<DataResult> direct(
      FetchKey key, RequestOrigin origin, Deadline deadline) {
    return Stages.direct(reach.direct().fetch(key, deadline.earlier(fallbackReserve), origin))
        .handle(
            (fetched, error) -> {
              if (error != null) {
                UNANSWERED.warn(
                    "This node's own fetch of {} ended without an answer ({}); answering from the"
                        + " last good value",
                    key,
                    error.getClass().getSimpleName());
              }
              return fetched;
            })
        .thenCompose(
            f -> {
              if (f != null && f.outcome() instanceof FetchOutcome.Fetched fetched) {
                Answer answer = Answers.fetched(key, fetched, f.atMillis(), f.joined());
                // Held here too: this node's next requests within their max age are hits, not
                // further provider calls, until the entity answers again.
                nearCache.offer(answer);
                metrics.cacheRequest(
                    key.dataset(), f.joined() ? CacheResult.COALESCED : CacheResult.MISS);
                return CompletableFuture.completedFuture(new DataResult.Served(answer, true));
              }
              return settle(key, f == null ? null : asReply(key, f), deadline);
            });
  }

  private static Reply asReply(FetchKey key, DirectFetches.Fetched f) {
    FetchOutcome o = f.outcome();
    if (o instanceof FetchOutcome.Fetched fetched) {
      return Answers.fetched(key, fetched, f.atMillis(), f.joined());
    }
    if (o instanceof FetchOutcome.NotFound) {
      return new SymbolProtocol.NotFound(key, o.providersAttempted(), o.errors());
    }
    return new SymbolProtocol.Unavailable(key, o.providersAttempted(), o.errors());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }

  /**
   * Quotes of {@code keys} (distinct), each no older than {@code maxAgeMillis}: near-cache hits at
   * once, the others through {@link Batches}, each settled as {@link #get} settles one. Fails with
   * the batch runner's error when it could not run the batch at all.
   */
  public CompletionStage<Map<FetchKey, DataResult>> batch(
      List<FetchKey> keys, long maxAgeMillis, RequestOrigin origin, Deadline deadline) {
    Map<FetchKey, DataResult> results = new ConcurrentHashMap<>();
    if (!served.test(Dataset.QUOTE)) {
      for (FetchKey key : keys)
        results.put(key, new DataResult.Refused(DataProblem.noProvider(Dataset.QUOTE)));
      return CompletableFuture.completedFuture(results);
    }
    List<FetchKey> toFetch = new ArrayList<>();
    for (FetchKey key : keys) {
      Answer near = nearCache.get(key, maxAgeMillis);
      if (near != null) {
        metrics.cacheRequest(key.dataset(), CacheResult.HIT);
        results.put(key, new DataResult.Served(near));
      } else {
        toFetch.add(key);
      }
    }
    if (toFetch.isEmpty()) return CompletableFuture.completedFuture(results);
    Duration budget = deadline.earlier(fallbackReserve).remaining();
    boolean outOfReach = reach.outOfReach().getAsBoolean();
    // Entities out of reach: half of the budget for the batch, the rest for this node's own
    // fetches of the keys no entity answered.
    return batches
        .run(toFetch, maxAgeMillis, outOfReach ? budget.dividedBy(2) : budget, origin)
        .thenCompose(
            replies -> {
              List<CompletableFuture<Void>> settled = new ArrayList<>();
              for (FetchKey key : toFetch) {
                Reply reply = replies.get(key);
                CompletionStage<DataResult> result =
                    reply == null && outOfReach
                        ? direct(key, origin, deadline)
                        : settle(key, reply, deadline);
                settled.add(result.toCompletableFuture().thenAccept(r -> results.put(key, r)));
              }
              return CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new));
            })
        .thenApply(done -> results);
  }

  /** An entity's reply (null: none in time) as the request's result, counted once. */
  private CompletionStage<DataResult> settle(FetchKey key, Reply reply, Deadline deadline) {
    if (reply instanceof Answer a) {
      nearCache.offer(a);
      metrics.cacheRequest(key.dataset(), cacheResult(a));
      return CompletableFuture.completedFuture(new DataResult.Served(a));
    }
    if (reply instanceof SymbolProtocol.NotFound nf) {
      // A "not found" without providers asked came from the entity's memory of one.
      metrics.cacheRequest(
          key.dataset(), nf.providersAttempted().isEmpty() ? CacheResult.HIT : CacheResult.MISS);
      return CompletableFuture.completedFuture(new DataResult.Refused(DataProblem.of(nf, key)));
    }
    return fromLastGood(key, reply, deadline);
  }

  /**
   * The entity could not answer with data: the durable last good value, read within what is left of
   * the deadline, served stale; otherwise the problem.
   */
  private CompletionStage<DataResult> fromLastGood(FetchKey key, Reply failure, Deadline deadline) {
    List<ProviderError> errors =
        failure != null ? failure.errors() : List.of(DataProblem.unanswered(key));
    List<String> attempted = failure == null ? List.of() : failure.providersAttempted();
    return Stages.direct(lastGood.find(key))
        .orTimeout(Math.max(1, deadline.remainingMillis()), TimeUnit.MILLISECONDS)
        .handle(
            (found, error) -> {
              Optional<LastGood> value = found == null ? Optional.empty() : found;
              if (value.isPresent()) {
                metrics.cacheRequest(key.dataset(), CacheResult.STALE);
                return new DataResult.Served(
                    Answers.stale(key, StoredValue.of(value.get()), attempted, errors, false));
              }
              metrics.cacheRequest(key.dataset(), CacheResult.MISS);
              return new DataResult.Refused(DataProblem.of(failure, key));
            });
  }

  private static CacheResult cacheResult(Answer a) {
    if (a.stale()) return CacheResult.STALE;
    if (a.cached()) return CacheResult.HIT;
    return a.coalesced() ? CacheResult.COALESCED : CacheResult.MISS;
  }

  private static void unanswered(FetchKey key, Duration timeout, Throwable error) {
    UNANSWERED.warn(
        "The entity of {} did not answer {} within {} ms ({}); answering from the last good value",
        key.symbol(),
        key,
        timeout.toMillis(),
        error.getClass().getSimpleName());
  }
}
