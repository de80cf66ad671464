package io.marketgate.app.symbol;

import io.marketgate.app.concurrent.Spawner;
import io.marketgate.app.provider.BatchOutcome;
import io.marketgate.app.provider.ProviderHandle;
import io.marketgate.app.provider.ProviderOutcome;
import io.marketgate.app.provider.ProviderPlans;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderError;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.RequestOrigin;
import io.marketgate.protocol.SymbolProtocol;
import io.marketgate.protocol.SymbolProtocol.Claimed;
import io.marketgate.protocol.SymbolProtocol.Reply;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Quotes of many symbols with as few provider calls as the provider's multi-symbol call allows,
 * keeping single-flight per symbol. Each symbol's entity answers from its cache, joins a fetch in
 * flight, or leaves the fetch to this batch ({@link SymbolProtocol.BatchGet}); the claimed symbols
 * are fetched in calls of at most the provider's batch size and each result is delivered to its
 * entity, which answers everyone waiting for it, a single request sent meanwhile included. A symbol
 * the batch call could not answer is fetched by its entity from the other providers. Claims go in
 * two rounds (after a sixth of the budget, and the late ones after another sixth, or at once when
 * every entity has answered): entities that are just starting on a busy node still share batch
 * calls; a claim after the second round is fetched by its entity alone.
 */
public final class BatchFetch implements SymbolGateway.Batches {
  private final ActorRef<ParentCommand> coordinators;

  private BatchFetch(ActorRef<ParentCommand> coordinators) {
    this.coordinators = coordinators;
  }

  /** Starts, on this node, the parent of the per-request coordinators. */
  public static CompletionStage<BatchFetch> start(
      Spawner spawner, ActorSystem<?> system, ProviderPlans plans) {
    ClusterSharding sharding = ClusterSharding.get(system);
    return start(
        spawner,
        request ->
            Behaviors.<Msg>setup(
                ctx ->
                    Behaviors.withTimers(
                        timers -> new Coordinator(ctx, timers, sharding, plans, request).start())));
  }

  /** With the behaviour each request's coordinator runs (tests give one that fails). */
  static CompletionStage<BatchFetch> start(
      Spawner spawner, Function<Request, Behavior<?>> coordinator) {
    return spawner.spawn(parent(coordinator), "batch-coordinators").thenApply(BatchFetch::new);
  }

  /** A thrown exception, or a stop before answering, ended a batch's coordinator. */
  public static final class CoordinatorFailed extends RuntimeException {
    CoordinatorFailed() {
      super("the batch's coordinator stopped before it answered", null, false, false);
    }
  }

  /**
   * @return each symbol's reply; a symbol missing from the map got none within the budget. Fails
   *     with {@link CoordinatorFailed} at once if the batch's coordinator fails.
   */
  @Override
  public CompletionStage<Map<FetchKey, Reply>> run(
      List<FetchKey> keys, long maxAgeMillis, Duration budget, RequestOrigin origin) {
    CompletableFuture<Map<FetchKey, Reply>> result = new CompletableFuture<>();
    if (keys.isEmpty()) {
      result.complete(Map.of());
      return result;
    }
    coordinators.tell(new Request(List.copyOf(keys), maxAgeMillis, budget, origin, result));
    return result;
  }

  private sealed interface ParentCommand extends NoSerializationVerificationNeeded {}

  /** One batch of quotes, answered through {@code result}. */
  record Request(
      List<FetchKey> keys,
      long maxAgeMillis,
      Duration budget,
      RequestOrigin origin,
      CompletableFuture<Map<FetchKey, Reply>> result)
      implements ParentCommand {}

  private record CoordinatorEnded(CompletableFuture<Map<FetchKey, Reply>> result)
      implements ParentCommand {}

  /**
   * Spawns a coordinator per request and watches it: one that fails (or stops without answering)
   * fails its request at once rather than leaving the caller to its HTTP timeout.
   */
  private static Behavior<ParentCommand> parent(Function<Request, Behavior<?>> coordinator) {
    return Behaviors.setup(
        ctx ->
            Behaviors.receive(ParentCommand.class)
                .onMessage(
                    Request.class,
                    request -> {
                      ActorRef<?> child = ctx.spawnAnonymous(coordinator.apply(request));
                      ctx.watchWith(child, new CoordinatorEnded(request.result()));
                      return Behaviors.same();
                    })
                .onMessage(
                    CoordinatorEnded.class,
                    ended -> {
                      ended.result().completeExceptionally(new CoordinatorFailed());
                      return Behaviors.same();
                    })
                .build());
  }

  private sealed interface Msg extends NoSerializationVerificationNeeded {}

  private record Replied(Reply reply) implements Msg {}

  private record GotClaim(Claimed claimed) implements Msg {}

  private record BatchAnswered(
      List<FetchKey> keys,
      Map<FetchKey, Long> claims,
      BatchOutcome outcome,
      ProviderHandle provider)
      implements Msg {}

  private enum Timeout implements Msg {
    /** The first batch round goes with the claims in by then. */
    CLAIMS,
    /**
     * Claims of entities that were slow to answer (starting, loading last good values) go in a
     * second round.
     */
    LATE_CLAIMS,
    DEADLINE
  }

  private static final class Coordinator {
    private final ActorContext<Msg> ctx;
    private final TimerScheduler<Msg> timers;
    private final ClusterSharding sharding;
    private final ProviderPlans plans;
    private final List<FetchKey> keys;
    private final long maxAgeMillis;
    private final Duration budget;
    private final RequestOrigin origin;
    private final CompletableFuture<Map<FetchKey, Reply>> result;
    private final Deadline deadline;
    private final Map<FetchKey, Reply> replies = new LinkedHashMap<>();
    private final Map<FetchKey, Long> claims = new HashMap<>();
    private int acks;
    private final Set<FetchKey> sent = new HashSet<>();

    /** No more batch rounds: a claim arriving now is fetched by its entity on its own. */
    private boolean closed;

    Coordinator(
        ActorContext<Msg> ctx,
        TimerScheduler<Msg> timers,
        ClusterSharding sharding,
        ProviderPlans plans,
        Request request) {
      this.ctx = ctx;
      this.timers = timers;
      this.sharding = sharding;
      this.plans = plans;
      this.keys = request.keys();
      this.maxAgeMillis = request.maxAgeMillis();
      this.budget = request.budget();
      this.origin = request.origin();
      this.result = request.result();
      this.deadline = Deadline.after(budget);
    }

    Behavior<Msg> start() {
      ActorRef<Reply> replyTo = ctx.messageAdapter(Reply.class, Replied::new);
      ActorRef<Claimed> claimsTo = ctx.messageAdapter(Claimed.class, GotClaim::new);
      for (FetchKey key : keys) {
        sharding
            .entityRefFor(SymbolProtocol.ENTITY_KEY, key.symbol())
            .tell(
                new SymbolProtocol.BatchGet(
                    key, maxAgeMillis, budget.toMillis(), origin, replyTo, claimsTo));
      }
      timers.startSingleTimer(Timeout.CLAIMS, budget.dividedBy(6));
      timers.startSingleTimer(Timeout.DEADLINE, budget);
      return Behaviors.receive(Msg.class)
          .onMessage(Replied.class, this::onReplied)
          .onMessage(GotClaim.class, this::onClaim)
          .onMessage(BatchAnswered.class, this::onBatchAnswered)
          .onMessageEquals(Timeout.CLAIMS, this::firstRound)
          .onMessageEquals(Timeout.LATE_CLAIMS, this::lastRound)
          .onMessageEquals(Timeout.DEADLINE, this::finish)
          .build();
    }

    private Behavior<Msg> onClaim(GotClaim got) {
      acks++;
      Claimed c = got.claimed();
      if (c.claimId() > 0) {
        if (closed) {
          // Came too late for the batch calls: its entity fetches it on its own.
          notDelivered(c.key(), c.claimId(), List.of(), List.of());
        } else {
          claims.put(c.key(), c.claimId());
        }
      }
      return acks >= keys.size() ? lastRound() : Behaviors.same();
    }

    private Behavior<Msg> firstRound() {
      if (closed) return Behaviors.same();
      dispatch();
      timers.startSingleTimer(Timeout.LATE_CLAIMS, budget.dividedBy(6));
      return Behaviors.same();
    }

    private Behavior<Msg> lastRound() {
      if (closed) return Behaviors.same();
      dispatch();
      closed = true;
      timers.cancel(Timeout.CLAIMS);
      timers.cancel(Timeout.LATE_CLAIMS);
      return Behaviors.same();
    }

    /**
     * Fetches every symbol claimed and not fetched yet in calls of at most the provider's batch
     * size.
     */
    private void dispatch() {
      List<FetchKey> claimed =
          keys.stream().filter(k -> claims.containsKey(k) && !sent.contains(k)).toList();
      sent.addAll(claimed);
      if (claimed.isEmpty()) return;
      Optional<ProviderHandle> batchProvider =
          plans.planFor(Dataset.QUOTE).stream().filter(p -> p.maxBatchSize() > 0).findFirst();
      if (batchProvider.isEmpty()) {
        for (FetchKey k : claimed) notDelivered(k, claims.get(k), List.of(), List.of());
        return;
      }
      ProviderHandle provider = batchProvider.get();
      // Half of what is left for the batch calls, the rest for fallbacks of symbols they miss.
      Duration remaining = deadline.remaining();
      Duration timeout =
          provider.timeout().compareTo(remaining.dividedBy(2)) < 0
              ? provider.timeout()
              : remaining.dividedBy(2);
      for (int from = 0; from < claimed.size(); from += provider.maxBatchSize()) {
        List<FetchKey> chunk =
            List.copyOf(
                claimed.subList(from, Math.min(claimed.size(), from + provider.maxBatchSize())));
        Map<FetchKey, Long> chunkClaims = new HashMap<>();
        for (FetchKey k : chunk) chunkClaims.put(k, claims.get(k));
        ctx.pipeToSelf(
            provider.fetchBatch(chunk, timeout, origin),
            (outcome, error) -> new BatchAnswered(chunk, chunkClaims, outcome, provider));
      }
    }

    private Behavior<Msg> onBatchAnswered(BatchAnswered answered) {
      ProviderHandle provider = answered.provider();
      List<String> attempted = List.of(provider.name());
      for (FetchKey key : answered.keys()) {
        long claimId = answered.claims().get(key);
        ProviderOutcome outcome =
            answered.outcome() == null ? null : answered.outcome().outcomes().get(key);
        if (outcome instanceof ProviderOutcome.Fetched f) {
          entity(key)
              .tell(
                  new SymbolProtocol.Deliver(
                      key,
                      claimId,
                      new SymbolProtocol.Delivered(
                          provider.name(), f.data(), provider.confidence()),
                      attempted,
                      List.of()));
        } else {
          ProviderError error =
              outcome instanceof ProviderOutcome.Failed failed
                  ? failed.error()
                  : new ProviderError(
                      provider.name(), ProviderErrorCode.TIMEOUT, "no answer to the batch call");
          notDelivered(key, claimId, attempted, List.of(error));
        }
      }
      return Behaviors.same();
    }

    /**
     * The entity tries its other providers (a NOT_FOUND from the batch provider counts as tried).
     */
    private void notDelivered(
        FetchKey key, long claimId, List<String> attempted, List<ProviderError> errors) {
      entity(key)
          .tell(
              new SymbolProtocol.Deliver(
                  key, claimId, new SymbolProtocol.NotDelivered(), attempted, errors));
    }

    private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<SymbolProtocol.Command>
        entity(FetchKey key) {
      return sharding.entityRefFor(SymbolProtocol.ENTITY_KEY, key.symbol());
    }

    private Behavior<Msg> onReplied(Replied replied) {
      replies.put(replied.reply().key(), replied.reply());
      return replies.size() >= keys.size() ? finish() : Behaviors.same();
    }

    private Behavior<Msg> finish() {
      result.complete(Map.copyOf(replies));
      return Behaviors.stopped();
    }
  }
}
