package io.marketgate.persistence.quota;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.marketgate.protocol.CborSerializable;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The request quota of one provider for the whole cluster (entity id = provider name): it grants
 * leases of permits and counts them in sliding windows, so that however many nodes call the
 * provider, no window of a minute (or a day) holds more calls than the licence allows. Each grant
 * is persisted before it is answered, so the count survives the entity moving to another node;
 * snapshots keep the journal short.
 */
public final class QuotaEntity extends EventSourcedBehavior<QuotaEntity.Command, QuotaEntity.Granted, QuotaEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "ProviderQuota");

  public sealed interface Command extends CborSerializable {}

  /** Ask for up to {@code permits} permits. */
  public record Acquire(int permits, ActorRef<Reply> replyTo) implements Command {}

  public sealed interface Reply extends CborSerializable {}

  /** {@code permits} calls may be sent until {@code validUntilMillis}. */
  public record Leased(int permits, long validUntilMillis) implements Reply {}

  /** Nothing left before {@code retryAtMillis}. */
  public record Exhausted(long retryAtMillis) implements Reply {}

  /** The event: permits granted at a time. */
  public record Granted(long atMillis, int permits) implements CborSerializable {}

  /** The grants still inside the longest counted window, oldest first. Immutable. */
  public static final class State implements CborSerializable {
    private final Deque<Granted> grants;

    @JsonCreator
    State(@JsonProperty("grants") List<Granted> grants) {
      this.grants = new ArrayDeque<>(grants);
    }

    @JsonProperty("grants")
    List<Granted> grants() {
      return new ArrayList<>(grants);
    }

    int countedSince(long sinceMillis) {
      int sum = 0;
      var it = grants.descendingIterator();
      while (it.hasNext()) {
        Granted g = it.next();
        if (g.atMillis() <= sinceMillis) break;
        sum += g.permits();
      }
      return sum;
    }

    /** When the permits granted in (since, now] drop to at most {@code allowed} as grants leave the window. */
    long freedAt(long sinceMillis, long spanMillis, int allowed) {
      int counted = countedSince(sinceMillis);
      for (Granted g : grants) {
        if (g.atMillis() <= sinceMillis) continue;
        if (counted <= allowed) break;
        counted -= g.permits();
        if (counted <= allowed) return g.atMillis() + spanMillis + 1;
      }
      return sinceMillis + spanMillis;
    }

    /** A new state (states are immutable: snapshots may be serialized after the next event). */
    State add(Granted g, long keepAfterMillis) {
      List<Granted> kept = new ArrayList<>(grants.size() + 1);
      for (Granted old : grants) if (old.atMillis() > keepAfterMillis) kept.add(old);
      kept.add(g);
      return new State(kept);
    }
  }

  private final QuotaLimits limits;
  private final QuotaSettings settings;
  private final Clock clock;

  private QuotaEntity(String provider, QuotaLimits limits, QuotaSettings settings, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), provider));
    this.limits = limits;
    this.settings = settings;
    this.clock = clock;
  }

  public static QuotaEntity create(String provider, QuotaLimits limits, QuotaSettings settings, Clock clock) {
    return new QuotaEntity(provider, limits, settings, clock);
  }

  @Override
  public State emptyState() {
    return new State(List.of());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2).withDeleteEventsOnSnapshot();
  }

  @Override
  public CommandHandler<Command, Granted, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Acquire.class, this::onAcquire)
        .build();
  }

  private org.apache.pekko.persistence.typed.javadsl.Effect<Granted, State> onAcquire(State state, Acquire acquire) {
    long now = clock.millis();
    int available = Integer.MAX_VALUE;
    long retryAt = now;
    if (limits.perMinute() > 0) {
      long span = settings.countedOver(QuotaLimits.MINUTE).toMillis();
      int left = limits.perMinute() - state.countedSince(now - span);
      available = Math.min(available, left);
      if (left <= 0) retryAt = Math.max(retryAt, state.freedAt(now - span, span, limits.perMinute() - 1));
    }
    if (limits.perDay() > 0) {
      long span = settings.countedOver(QuotaLimits.DAY).toMillis();
      int left = limits.perDay() - state.countedSince(now - span);
      available = Math.min(available, left);
      if (left <= 0) retryAt = Math.max(retryAt, state.freedAt(now - span, span, limits.perDay() - 1));
    }
    int granted = Math.min(Math.max(1, acquire.permits()), available);
    if (granted <= 0) {
      acquire.replyTo().tell(new Exhausted(retryAt));
      return Effect().none();
    }
    long validUntil = now + settings.leaseTtl().toMillis();
    return Effect().persist(new Granted(now, granted)).thenRun(s -> acquire.replyTo().tell(new Leased(granted, validUntil)));
  }

  @Override
  public EventHandler<State, Granted> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Granted.class, (state, granted) -> state.add(granted, granted.atMillis() - longestSpanMillis()))
        .build();
  }

  private long longestSpanMillis() {
    return settings.countedOver(limits.perDay() > 0 ? QuotaLimits.DAY : QuotaLimits.MINUTE).toMillis();
  }
}
