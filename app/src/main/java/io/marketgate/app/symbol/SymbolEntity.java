package io.marketgate.app.symbol;

import io.marketgate.app.config.CacheSettings;
import io.marketgate.app.logging.OccasionalLog;
import io.marketgate.persistence.dlq.DeadLetterQueue;
import io.marketgate.persistence.lastgood.LastGood;
import io.marketgate.persistence.lastgood.LastGoodRepository;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderError;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.RequestOrigin;
import io.marketgate.protocol.SymbolProtocol;
import io.marketgate.protocol.SymbolProtocol.Command;
import io.marketgate.protocol.SymbolProtocol.Get;
import io.marketgate.protocol.SymbolProtocol.LocalCommand;
import io.marketgate.protocol.SymbolProtocol.Refetch;
import io.marketgate.protocol.SymbolProtocol.Reply;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ExtensibleBehavior;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.slf4j.LoggerFactory;

/**
 * The sharded entity of one symbol: it owns the cache of every (dataset, parameters) key of the
 * symbol and makes concurrent requests for a key share one fetch.
 *
 * <p>A hit is answered from the pre-encoded bytes at once and changes nothing. A miss starts one
 * fetch through the {@link FetchPlan} and keeps serving other keys; requests for the same key wait
 * for that fetch and all get its answer. When no provider can answer, the last value is served
 * stale and the key goes to the dead-letter queue. The state is an immutable value replaced on each
 * change.
 *
 * <p>Messages are dispatched by one type switch rather than a receive builder: a node holds up to
 * 100,000 of these, and a built receive costs about 300 bytes per instance.
 */
public final class SymbolEntity extends ExtensibleBehavior<Command> {
  /** Defined in the protocol module: other JVMs of the cluster ask these entities too. */
  public static final EntityTypeKey<Command> ENTITY_KEY = SymbolProtocol.ENTITY_KEY;

  /** A database outage would otherwise log once for every symbol that starts. */
  private static final OccasionalLog LAST_GOOD_UNREAD =
      new OccasionalLog(LoggerFactory.getLogger(SymbolEntity.class), Duration.ofSeconds(10));

  /** Everything an entity needs from its node. */
  public record Dependencies(
      FetchPlan plan,
      CacheSettings cache,
      Duration replyMargin,
      DeadLetterQueue deadLetters,
      LastGoodRepository lastGood,
      RefreshPublisher refreshes,
      Clock clock) {}

  /**
   * The stop message for passivation and hand-off: in-flight fetches answer their waiters first.
   */
  public enum Stop implements LocalCommand, NoSerializationVerificationNeeded {
    INSTANCE
  }

  private record FetchCompleted(FetchKey key, long fetchId, FetchOutcome outcome)
      implements LocalCommand, NoSerializationVerificationNeeded {}

  /** A claimed fetch was not delivered in time: the entity fetches the key itself. */
  private record ClaimExpired(FetchKey key, long fetchId)
      implements LocalCommand, NoSerializationVerificationNeeded {}

  /** The symbol's durable last good values, read once when the entity starts. */
  private record LastGoodLoaded(List<LastGood> values)
      implements LocalCommand, NoSerializationVerificationNeeded {}

  record Waiter(ActorRef<Reply> replyTo, boolean coalesced) {}

  /**
   * A fetch in flight and who waits for it; {@code queueOnFailure} unless a retry started it;
   * {@code claimed} while a batch sender fetches it and has not delivered yet.
   */
  record InFlight(
      long fetchId,
      boolean queueOnFailure,
      List<Waiter> waiters,
      boolean claimed,
      RequestOrigin origin,
      Deadline deadline) {
    InFlight join(Waiter waiter) {
      List<Waiter> more = new ArrayList<>(waiters.size() + 1);
      more.addAll(waiters);
      more.add(waiter);
      return new InFlight(fetchId, queueOnFailure, List.copyOf(more), claimed, origin, deadline);
    }

    InFlight unclaimed() {
      return new InFlight(fetchId, queueOnFailure, waiters, false, origin, deadline);
    }
  }

  /**
   * The last fetch that no provider could answer, served with the stale value for a short while.
   */
  record Failure(long atMillis, FetchOutcome outcome) {}

  /**
   * Everything known about one key; {@code notFoundAtMillis} is 0 unless providers denied the
   * symbol, {@code failure} is null unless the last fetch failed.
   */
  record Slot(StoredValue cached, long notFoundAtMillis, InFlight inFlight, Failure failure) {
    static final Slot EMPTY = new Slot(null, 0, null, null);

    Slot withInFlight(InFlight f) {
      return new Slot(cached, notFoundAtMillis, f, failure);
    }
  }

  record State(Map<FetchKey, Slot> slots, long lastFetchId, boolean stopping) {
    static final State EMPTY = new State(Map.of(), 0, false);

    Slot slot(FetchKey key) {
      return slots.getOrDefault(key, Slot.EMPTY);
    }

    State with(FetchKey key, Slot slot) {
      Map<FetchKey, Slot> next = new HashMap<>(slots);
      if (slot.cached() == null && slot.notFoundAtMillis() == 0 && slot.inFlight() == null) {
        next.remove(key);
      } else {
        next.put(key, slot);
      }
      return new State(Map.copyOf(next), lastFetchId, stopping);
    }

    State nextFetchId() {
      return new State(slots, lastFetchId + 1, stopping);
    }

    State beginStopping() {
      return new State(slots, lastFetchId, true);
    }

    boolean fetching() {
      return slots.values().stream().anyMatch(s -> s.inFlight() != null);
    }

    /** Drops the oldest idle entries beyond {@code max}. */
    State bounded(int max) {
      if (slots.size() <= max) return this;
      Map<FetchKey, Slot> next = new HashMap<>(slots);
      slots.entrySet().stream()
          .filter(e -> e.getValue().inFlight() == null)
          .sorted((a, b) -> Long.compare(lastTouched(a.getValue()), lastTouched(b.getValue())))
          .limit(slots.size() - max)
          .forEach(e -> next.remove(e.getKey()));
      return new State(Map.copyOf(next), lastFetchId, stopping);
    }

    private static long lastTouched(Slot s) {
      return Math.max(s.cached() == null ? 0 : s.cached().fetchedAtMillis(), s.notFoundAtMillis());
    }
  }

  /** Registers the symbol entities with sharding on this node. */
  public static ActorRef<ShardingEnvelope<Command>> init(ActorSystem<?> system, Dependencies deps) {
    return ClusterSharding.get(system)
        .init(
            Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), deps))
                .withRole(SymbolProtocol.SHARD_ROLE)
                .withStopMessage(Stop.INSTANCE));
  }

  public static Behavior<Command> create(String symbol, Dependencies deps) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  // Requests are served meanwhile; the values are merged in when they arrive.
                  ctx.pipeToSelf(
                      deps.lastGood().load(symbol),
                      (values, error) -> {
                        if (error == null) return new LastGoodLoaded(values);
                        LAST_GOOD_UNREAD.warn(
                            "Could not read the last good values of {}; it starts without: {}",
                            symbol,
                            error.toString());
                        return new LastGoodLoaded(List.of());
                      });
                  return new SymbolEntity(ctx, timers, symbol, deps);
                }));
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final String symbol;
  private final Dependencies deps;
  private State state = State.EMPTY;

  private SymbolEntity(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      String symbol,
      Dependencies deps) {
    this.context = context;
    this.timers = timers;
    this.symbol = symbol;
    this.deps = deps;
  }

  @Override
  public Behavior<Command> receive(TypedActorContext<Command> ctx, Command message) {
    if (message instanceof Get get) return onGet(get);
    if (message instanceof FetchCompleted done) return onFetchCompleted(done);
    if (message instanceof Refetch refetch) return onRefetch(refetch);
    if (message instanceof LastGoodLoaded loaded) return onLastGoodLoaded(loaded);
    if (message instanceof SymbolProtocol.BatchGet batchGet) return onBatchGet(batchGet);
    if (message instanceof SymbolProtocol.Deliver deliver) return onDeliver(deliver);
    if (message instanceof ClaimExpired expired) return onClaimExpired(expired);
    if (message == Stop.INSTANCE) return onStop();
    return Behaviors.unhandled();
  }

  @Override
  public Behavior<Command> receiveSignal(TypedActorContext<Command> ctx, Signal signal) {
    return Behaviors.unhandled();
  }

  private Behavior<Command> onGet(Get get) {
    Reply known = knownAnswer(get.key(), maxAge(get.key(), get.maxAgeMillis()));
    if (known != null) {
      get.replyTo().tell(known);
      return this;
    }
    return fetchOrJoin(get.key(), get.budgetMillis(), get.origin(), get.replyTo(), true);
  }

  /**
   * The answer the entity can give without fetching: a young enough value, a recent "not found",
   * or, right after every provider failed, the last value again; null when it must fetch.
   */
  private Reply knownAnswer(FetchKey key, long maxAge) {
    long now = deps.clock().millis();
    Slot slot = state.slot(key);
    StoredValue cached = slot.cached();
    if (cached != null && maxAge > 0 && now - cached.fetchedAtMillis() <= maxAge) {
      return Answers.cached(key, cached);
    }
    if (slot.notFoundAtMillis() != 0
        && maxAge > 0
        && now - slot.notFoundAtMillis()
            <= Math.min(maxAge, deps.cache().notFoundTtl().toMillis())) {
      return new SymbolProtocol.NotFound(key, List.of(), List.of());
    }
    Failure failure = slot.failure();
    if (cached != null
        && failure != null
        && slot.inFlight() == null
        && maxAge > 0
        && now - failure.atMillis() < deps.cache().failureBackoff().toMillis()) {
      // Every provider failed moments ago: serve the last value again rather than ask them anew.
      FetchOutcome last = failure.outcome();
      return Answers.stale(key, cached, last.providersAttempted(), last.errors(), false);
    }
    return null;
  }

  private Behavior<Command> onBatchGet(SymbolProtocol.BatchGet get) {
    FetchKey key = get.key();
    Reply known = knownAnswer(key, maxAge(key, get.maxAgeMillis()));
    if (known != null) {
      get.replyTo().tell(known);
      get.claims().tell(new SymbolProtocol.Claimed(key, 0));
      return this;
    }
    Slot slot = state.slot(key);
    if (slot.inFlight() != null) {
      fetchOrJoin(key, get.budgetMillis(), get.origin(), get.replyTo(), true);
      get.claims().tell(new SymbolProtocol.Claimed(key, 0));
      return this;
    }
    InFlight claimed = begin(key, get.budgetMillis(), get.origin(), get.replyTo(), true, true);
    // Half the budget for the sender to deliver; the other half for fetching it here if it does
    // not.
    timers.startSingleTimer(
        new ClaimExpired(key, claimed.fetchId()), Duration.ofMillis(get.budgetMillis() / 2));
    get.claims().tell(new SymbolProtocol.Claimed(key, claimed.fetchId()));
    return this;
  }

  private Behavior<Command> onDeliver(SymbolProtocol.Deliver d) {
    InFlight inFlight = state.slot(d.key()).inFlight();
    if (inFlight == null || !inFlight.claimed() || inFlight.fetchId() != d.claimId()) return this;
    timers.cancel(new ClaimExpired(d.key(), d.claimId()));
    if (d.delivery() instanceof SymbolProtocol.Delivered data) {
      return completeFetch(
          d.key(),
          d.claimId(),
          new FetchOutcome.Fetched(
              data.provider(),
              !deps.plan().plans().isPrimary(d.key().dataset(), data.provider()),
              data.data(),
              data.confidence(),
              d.providersAttempted(),
              d.errors()));
    }
    // The batch call did not answer this key: the other providers, one at a time.
    state = state.with(d.key(), state.slot(d.key()).withInFlight(inFlight.unclaimed()));
    pipeFetch(
        d.key(),
        d.claimId(),
        deps.plan()
            .run(
                d.key(),
                inFlight.deadline(),
                inFlight.origin(),
                java.util.Set.copyOf(d.providersAttempted()),
                d.providersAttempted(),
                d.errors()));
    return this;
  }

  private Behavior<Command> onClaimExpired(ClaimExpired expired) {
    InFlight inFlight = state.slot(expired.key()).inFlight();
    if (inFlight == null || !inFlight.claimed() || inFlight.fetchId() != expired.fetchId())
      return this;
    context
        .getLog()
        .debug("Claimed fetch of {} not delivered in time; fetching it here", expired.key());
    state = state.with(expired.key(), state.slot(expired.key()).withInFlight(inFlight.unclaimed()));
    pipeFetch(
        expired.key(),
        expired.fetchId(),
        deps.plan().run(expired.key(), inFlight.deadline(), inFlight.origin()));
    return this;
  }

  private Behavior<Command> onRefetch(Refetch refetch) {
    return fetchOrJoin(
        refetch.key(), refetch.budgetMillis(), refetch.origin(), refetch.replyTo(), false);
  }

  /** Older values than what the entity already holds are ignored. */
  private Behavior<Command> onLastGoodLoaded(LastGoodLoaded loaded) {
    for (LastGood g : loaded.values()) {
      Slot slot = state.slot(g.key());
      if (slot.cached() != null && slot.cached().fetchedAtMillis() >= g.fetchedAtMillis()) continue;
      StoredValue value = StoredValue.of(g);
      state =
          state.with(
              g.key(), new Slot(value, slot.notFoundAtMillis(), slot.inFlight(), slot.failure()));
    }
    state = state.bounded(deps.cache().maxEntriesPerSymbol());
    return this;
  }

  private Behavior<Command> fetchOrJoin(
      FetchKey key,
      long budgetMillis,
      RequestOrigin origin,
      ActorRef<Reply> replyTo,
      boolean queueOnFailure) {
    Slot slot = state.slot(key);
    if (slot.inFlight() != null) {
      state = state.with(key, slot.withInFlight(slot.inFlight().join(new Waiter(replyTo, true))));
      return this;
    }
    InFlight fetch = begin(key, budgetMillis, origin, replyTo, queueOnFailure, false);
    pipeFetch(key, fetch.fetchId(), deps.plan().run(key, fetch.deadline(), origin));
    return this;
  }

  /** A new fetch of {@code key} with {@code replyTo} its first waiter, recorded in its slot. */
  private InFlight begin(
      FetchKey key,
      long budgetMillis,
      RequestOrigin origin,
      ActorRef<Reply> replyTo,
      boolean queueOnFailure,
      boolean claimed) {
    state = state.nextFetchId();
    InFlight fetch =
        new InFlight(
            state.lastFetchId(),
            queueOnFailure,
            List.of(new Waiter(replyTo, false)),
            claimed,
            origin,
            deadlineFor(budgetMillis));
    state = state.with(key, state.slot(key).withInFlight(fetch));
    return fetch;
  }

  /** The asker's budget, less the time its answer needs to travel back. */
  private Deadline deadlineFor(long budgetMillis) {
    return Deadline.after(Duration.ofMillis(budgetMillis)).earlier(deps.replyMargin());
  }

  private void pipeFetch(
      FetchKey key, long fetchId, java.util.concurrent.CompletionStage<FetchOutcome> fetch) {
    context.pipeToSelf(
        fetch,
        (outcome, error) -> {
          if (outcome != null) return new FetchCompleted(key, fetchId, outcome);
          // The plan's stage completes normally by design: a failure here is a defect of ours.
          context.getLog().error("The fetch of {} failed; its waiters get no data", key, error);
          ProviderError internal =
              new ProviderError(
                  "gateway",
                  ProviderErrorCode.INTERNAL,
                  "the fetch failed: " + error.getClass().getSimpleName());
          return new FetchCompleted(
              key, fetchId, new FetchOutcome.Failed(List.of(), List.of(internal)));
        });
  }

  private Behavior<Command> onFetchCompleted(FetchCompleted done) {
    return completeFetch(done.key(), done.fetchId(), done.outcome());
  }

  private Behavior<Command> completeFetch(FetchKey key, long fetchId, FetchOutcome outcome) {
    Slot slot = state.slot(key);
    InFlight inFlight = slot.inFlight();
    if (inFlight == null || inFlight.fetchId() != fetchId) return this;
    long now = deps.clock().millis();
    Slot next;
    if (outcome instanceof FetchOutcome.Fetched f) {
      StoredValue fresh =
          new StoredValue(f.data(), f.provider(), f.fallback(), now, f.confidence());
      for (Waiter w : inFlight.waiters()) {
        w.replyTo().tell(Answers.fetched(key, f, now, w.coalesced()));
      }
      next = new Slot(fresh, 0, null, null);
      deps.refreshes().refreshed(Answers.cached(key, fresh));
      deps.lastGood()
          .save(new LastGood(key, f.data(), f.provider(), f.fallback(), now, f.confidence()));
    } else if (outcome instanceof FetchOutcome.NotFound nf) {
      Reply reply = new SymbolProtocol.NotFound(key, nf.providersAttempted(), nf.errors());
      inFlight.waiters().forEach(w -> w.replyTo().tell(reply));
      next = new Slot(null, now, null, null);
      deps.refreshes().removed(key);
    } else {
      StoredValue last = slot.cached();
      Reply reply =
          last == null
              ? new SymbolProtocol.Unavailable(key, outcome.providersAttempted(), outcome.errors())
              : null;
      for (Waiter w : inFlight.waiters()) {
        if (last != null) {
          w.replyTo()
              .tell(
                  Answers.stale(
                      key, last, outcome.providersAttempted(), outcome.errors(), w.coalesced()));
        } else {
          w.replyTo().tell(reply);
        }
      }
      if (inFlight.queueOnFailure()
          && outcome.errors().stream().anyMatch(e -> e.code().isRetryable())) {
        deps.deadLetters().enqueue(key, outcome.errors());
      }
      next = new Slot(last, slot.notFoundAtMillis(), null, new Failure(now, outcome));
    }
    state = state.with(key, next).bounded(deps.cache().maxEntriesPerSymbol());
    return state.stopping() && !state.fetching() ? Behaviors.stopped() : this;
  }

  private Behavior<Command> onStop() {
    if (!state.fetching()) return Behaviors.stopped();
    context.getLog().debug("Symbol {} stops once its fetches have answered", symbol);
    state = state.beginStopping();
    return this;
  }

  private long maxAge(FetchKey key, long asked) {
    long configured = deps.cache().maxAge(key.dataset()).toMillis();
    return asked < 0 ? configured : Math.min(asked, configured);
  }
}
