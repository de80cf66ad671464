package io.marketgate.app.symbol;

import io.marketgate.app.config.CacheSettings;
import io.marketgate.app.metrics.Metrics;
import io.marketgate.app.metrics.Metrics.CacheResult;
import io.marketgate.persistence.dlq.DeadLetterQueue;
import io.marketgate.persistence.lastgood.LastGood;
import io.marketgate.persistence.lastgood.LastGoodRepository;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.RequestOrigin;
import io.marketgate.protocol.SymbolProtocol;
import io.marketgate.protocol.SymbolProtocol.Answer;
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
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;

/**
 * The sharded entity of one symbol: it owns the cache of every (dataset, parameters) key of the
 * symbol and makes concurrent requests for a key share one fetch.
 *
 * <p>A hit is answered from the pre-encoded bytes at once and changes nothing. A miss starts one
 * fetch through the {@link FetchPlan} and keeps serving other keys; requests for the same key
 * wait for that fetch and all get its answer. When no provider can answer, the last value is
 * served stale and the key goes to the dead-letter queue. The state is an immutable value
 * replaced on each change.
 *
 * <p>Messages are dispatched by one type switch rather than a receive builder: a node holds up to
 * 100,000 of these, and a built receive costs about 300 bytes per instance.
 */
public final class SymbolEntity extends ExtensibleBehavior<Command> {

  /** Everything an entity needs from its node. */
  public record Dependencies(
      FetchPlan plan,
      CacheSettings cache,
      Duration replyMargin,
      DeadLetterQueue deadLetters,
      LastGoodRepository lastGood,
      RefreshPublisher refreshes,
      Metrics metrics,
      Clock clock) {}

  /** The stop message for passivation and hand-off: in-flight fetches answer their waiters first. */
  public enum Stop implements LocalCommand, NoSerializationVerificationNeeded {
    INSTANCE
  }

  private record FetchCompleted(FetchKey key, long fetchId, FetchOutcome outcome)
      implements LocalCommand, NoSerializationVerificationNeeded {}

  /** The symbol's durable last good values, read once when the entity starts. */
  private record LastGoodLoaded(List<LastGood> values) implements LocalCommand, NoSerializationVerificationNeeded {}

  /** A value as cached: the encoded normalised record and where it came from. */
  record Cached(byte[] data, String source, boolean fallback, long fetchedAtMillis, double confidence) {}

  record Waiter(ActorRef<Reply> replyTo, boolean coalesced) {}

  /** A fetch in flight and who waits for it; {@code queueOnFailure} unless a retry started it. */
  record InFlight(long fetchId, boolean queueOnFailure, List<Waiter> waiters) {
    InFlight join(Waiter waiter) {
      List<Waiter> more = new ArrayList<>(waiters.size() + 1);
      more.addAll(waiters);
      more.add(waiter);
      return new InFlight(fetchId, queueOnFailure, List.copyOf(more));
    }
  }

  /** The last fetch that no provider could answer, served with the stale value for a short while. */
  record Failure(long atMillis, FetchOutcome outcome) {}

  /**
   * Everything known about one key; {@code notFoundAtMillis} is 0 unless providers denied the
   * symbol, {@code failure} is null unless the last fetch failed.
   */
  record Slot(Cached cached, long notFoundAtMillis, InFlight inFlight, Failure failure) {
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

  public static void init(ActorSystem<?> system, Dependencies deps) {
    ClusterSharding.get(system)
        .init(
            Entity.of(SymbolProtocol.ENTITY_KEY, ctx -> create(ctx.getEntityId(), deps))
                .withRole(SymbolProtocol.SHARD_ROLE)
                .withStopMessage(Stop.INSTANCE));
  }

  public static Behavior<Command> create(String symbol, Dependencies deps) {
    return Behaviors.setup(ctx -> {
      // Requests are served meanwhile; the values are merged in when they arrive.
      ctx.pipeToSelf(deps.lastGood().load(symbol), (values, error) -> new LastGoodLoaded(error == null ? values : List.of()));
      return new SymbolEntity(ctx, symbol, deps);
    });
  }

  private final ActorContext<Command> context;
  private final String symbol;
  private final Dependencies deps;
  private State state = State.EMPTY;

  private SymbolEntity(ActorContext<Command> context, String symbol, Dependencies deps) {
    this.context = context;
    this.symbol = symbol;
    this.deps = deps;
  }

  @Override
  public Behavior<Command> receive(TypedActorContext<Command> ctx, Command message) {
    if (message instanceof Get get) return onGet(get);
    if (message instanceof FetchCompleted done) return onFetchCompleted(done);
    if (message instanceof Refetch refetch) return onRefetch(refetch);
    if (message instanceof LastGoodLoaded loaded) return onLastGoodLoaded(loaded);
    if (message == Stop.INSTANCE) return onStop();
    return Behaviors.unhandled();
  }

  @Override
  public Behavior<Command> receiveSignal(TypedActorContext<Command> ctx, Signal signal) {
    return Behaviors.unhandled();
  }

  private Behavior<Command> onGet(Get get) {
    FetchKey key = get.key();
    long now = deps.clock().millis();
    long maxAge = maxAge(get);
    Slot slot = state.slot(key);
    Cached cached = slot.cached();
    if (cached != null && maxAge > 0 && now - cached.fetchedAtMillis() <= maxAge) {
      deps.metrics().cacheRequest(key.dataset(), CacheResult.HIT);
      get.replyTo().tell(hit(key, cached));
      return this;
    }
    if (slot.notFoundAtMillis() != 0 && maxAge > 0
        && now - slot.notFoundAtMillis() <= Math.min(maxAge, deps.cache().notFoundTtl().toMillis())) {
      deps.metrics().cacheRequest(key.dataset(), CacheResult.HIT);
      get.replyTo().tell(new SymbolProtocol.NotFound(key, List.of(), List.of()));
      return this;
    }
    Failure failure = slot.failure();
    if (cached != null && failure != null && slot.inFlight() == null && maxAge > 0
        && now - failure.atMillis() < deps.cache().failureBackoff().toMillis()) {
      // Every provider failed moments ago: serve the last value again rather than ask them anew.
      deps.metrics().cacheRequest(key.dataset(), CacheResult.STALE);
      get.replyTo().tell(stale(key, cached, failure.outcome(), false));
      return this;
    }
    return fetchOrJoin(key, get.budgetMillis(), get.origin(), get.replyTo(), true);
  }

  private Behavior<Command> onRefetch(Refetch refetch) {
    return fetchOrJoin(refetch.key(), refetch.budgetMillis(), refetch.origin(), refetch.replyTo(), false);
  }

  /** Older values than what the entity already holds are ignored. */
  private Behavior<Command> onLastGoodLoaded(LastGoodLoaded loaded) {
    for (LastGood g : loaded.values()) {
      Slot slot = state.slot(g.key());
      if (slot.cached() != null && slot.cached().fetchedAtMillis() >= g.fetchedAtMillis()) continue;
      Cached value = new Cached(g.data(), g.source(), g.fallback(), g.fetchedAtMillis(), g.confidence());
      state = state.with(g.key(), new Slot(value, slot.notFoundAtMillis(), slot.inFlight(), slot.failure()));
    }
    state = state.bounded(deps.cache().maxEntriesPerSymbol());
    return this;
  }

  private Behavior<Command> fetchOrJoin(
      FetchKey key, long budgetMillis, RequestOrigin origin, ActorRef<Reply> replyTo, boolean queueOnFailure) {
    Slot slot = state.slot(key);
    if (slot.inFlight() != null) {
      deps.metrics().cacheRequest(key.dataset(), CacheResult.COALESCED);
      state = state.with(key, slot.withInFlight(slot.inFlight().join(new Waiter(replyTo, true))));
      return this;
    }
    deps.metrics().cacheRequest(key.dataset(), CacheResult.MISS);
    state = state.nextFetchId();
    long fetchId = state.lastFetchId();
    long deadline = System.nanoTime() + Duration.ofMillis(budgetMillis).minus(deps.replyMargin()).toNanos();
    context
        .pipeToSelf(
            deps.plan().run(key, deadline, origin),
            (outcome, error) ->
                new FetchCompleted(
                    key,
                    fetchId,
                    outcome != null
                        ? outcome
                        : new FetchOutcome.Failed(List.of(), List.of())));
    state = state.with(key, slot.withInFlight(new InFlight(fetchId, queueOnFailure, List.of(new Waiter(replyTo, false)))));
    return this;
  }

  private Behavior<Command> onFetchCompleted(FetchCompleted done) {
    FetchKey key = done.key();
    Slot slot = state.slot(key);
    InFlight inFlight = slot.inFlight();
    if (inFlight == null || inFlight.fetchId() != done.fetchId()) return this;
    FetchOutcome outcome = done.outcome();
    long now = deps.clock().millis();
    Slot next;
    if (outcome instanceof FetchOutcome.Fetched f) {
      Cached fresh = new Cached(f.data(), f.provider(), f.fallback(), now, f.confidence());
      for (Waiter w : inFlight.waiters()) {
        w.replyTo().tell(new Answer(key, f.data(), f.provider(), f.fallback(), false, false, now, f.confidence(),
            f.providersAttempted(), w.coalesced(), f.circuitBreakerTriggered(), f.errors()));
      }
      next = new Slot(fresh, 0, null, null);
      deps.refreshes().refreshed(hit(key, fresh));
      deps.lastGood().save(new LastGood(key, f.data(), f.provider(), f.fallback(), now, f.confidence()));
    } else if (outcome instanceof FetchOutcome.NotFound nf) {
      Reply reply = new SymbolProtocol.NotFound(key, nf.providersAttempted(), nf.errors());
      inFlight.waiters().forEach(w -> w.replyTo().tell(reply));
      next = new Slot(null, now, null, null);
      deps.refreshes().removed(key);
    } else {
      Cached last = slot.cached();
      Reply reply =
          last == null
              ? new SymbolProtocol.Unavailable(key, outcome.providersAttempted(), outcome.errors())
              : null;
      for (Waiter w : inFlight.waiters()) {
        if (last != null) {
          deps.metrics().cacheRequest(key.dataset(), CacheResult.STALE);
          w.replyTo().tell(stale(key, last, outcome, w.coalesced()));
        } else {
          w.replyTo().tell(reply);
        }
      }
      if (inFlight.queueOnFailure()) deps.deadLetters().enqueue(key, outcome.errors());
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

  private long maxAge(Get get) {
    long configured = deps.cache().maxAge(get.key().dataset()).toMillis();
    long asked = get.maxAgeMillis();
    return asked < 0 ? configured : Math.min(asked, configured);
  }

  private static Answer hit(FetchKey key, Cached c) {
    return new Answer(key, c.data(), c.source(), c.fallback(), true, false, c.fetchedAtMillis(), c.confidence(),
        List.of(), false, false, List.of());
  }

  /** Stale answers carry half the confidence of the value when it was fresh. */
  private static Answer stale(FetchKey key, Cached c, FetchOutcome failure, boolean coalesced) {
    return new Answer(key, c.data(), c.source(), c.fallback(), true, true, c.fetchedAtMillis(), c.confidence() / 2,
        failure.providersAttempted(), coalesced, failure.circuitBreakerTriggered(), failure.errors());
  }
}
