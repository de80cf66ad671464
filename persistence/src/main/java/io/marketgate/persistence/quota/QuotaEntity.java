package io.marketgate.persistence.quota;

import io.marketgate.protocol.CborSerializable;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
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
public final class QuotaEntity
    extends EventSourcedBehavior<QuotaEntity.Command, QuotaEntity.Granted, QuotaEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "ProviderQuota");

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

  /** The grants still inside the longest counted window. */
  public record State(Ledger ledger) implements CborSerializable {}

  private final QuotaLimits limits;
  private final QuotaSettings settings;
  private final Clock clock;

  private QuotaEntity(String provider, QuotaLimits limits, QuotaSettings settings, Clock clock) {
    // A journal that fails (the database is away) stops the entity; it restarts with backoff
    // rather than at once, and callers meanwhile are refused by their nodes (quotas fail closed).
    super(
        PersistenceId.of(ENTITY_KEY.name(), provider),
        Optional.of(
            SupervisorStrategy.restartWithBackoff(
                Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2)));
    this.limits = limits;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Registers the quota entities with sharding on this node.
   *
   * @param limits each provider's limits (by entity id)
   */
  public static ActorRef<ShardingEnvelope<Command>> init(
      ActorSystem<?> system,
      Map<String, QuotaLimits> limits,
      QuotaSettings settings,
      String shardRole) {
    return ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_KEY,
                    ctx ->
                        create(
                            ctx.getEntityId(),
                            limits.getOrDefault(ctx.getEntityId(), new QuotaLimits(0, 0)),
                            settings,
                            Clock.systemUTC()))
                .withRole(shardRole));
  }

  public static QuotaEntity create(
      String provider, QuotaLimits limits, QuotaSettings settings, Clock clock) {
    return new QuotaEntity(provider, limits, settings, clock);
  }

  @Override
  public State emptyState() {
    return new State(Ledger.EMPTY);
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

  private Effect<Granted, State> onAcquire(State state, Acquire acquire) {
    long now = clock.millis();
    int granted = Math.max(1, acquire.permits());
    long retryAt = now;
    if (limits.perMinute() > 0) {
      Ledger.Allowance a =
          state
              .ledger()
              .allows(
                  granted,
                  limits.perMinute(),
                  settings.countedOver(QuotaLimits.MINUTE).toMillis(),
                  now);
      granted = a.permits();
      retryAt = Math.max(retryAt, a.retryAtMillis());
    }
    if (granted > 0 && limits.perDay() > 0) {
      Ledger.Allowance a =
          state
              .ledger()
              .allows(
                  granted, limits.perDay(), settings.countedOver(QuotaLimits.DAY).toMillis(), now);
      granted = a.permits();
      retryAt = Math.max(retryAt, a.retryAtMillis());
    }
    if (granted <= 0) {
      acquire.replyTo().tell(new Exhausted(retryAt));
      return Effect().none();
    }
    int permits = granted;
    long validUntil = now + settings.leaseTtl().toMillis();
    return Effect()
        .persist(new Granted(now, permits))
        .thenRun(s -> acquire.replyTo().tell(new Leased(permits, validUntil)));
  }

  @Override
  public EventHandler<State, Granted> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            Granted.class,
            (state, granted) ->
                new State(
                    state
                        .ledger()
                        .add(
                            new Ledger.Grant(granted.atMillis(), granted.permits()),
                            granted.atMillis() - longestSpanMillis())))
        .build();
  }

  private long longestSpanMillis() {
    return settings
        .countedOver(limits.perDay() > 0 ? QuotaLimits.DAY : QuotaLimits.MINUTE)
        .toMillis();
  }
}
