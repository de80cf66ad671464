package io.marketgate.persistence.dlq;

import io.marketgate.persistence.audit.AuditEvent;
import io.marketgate.persistence.audit.AuditTrail;
import io.marketgate.protocol.CborSerializable;
import io.marketgate.protocol.DeadLetterEvents;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderError;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.RequestOrigin;
import io.marketgate.protocol.SymbolProtocol;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One dead-letter entry: a fetch that no provider could answer, retried until it succeeds or is
 * escalated. Event-sourced in the JDBC journal and sharded with remembered entities, so pending
 * retries resume by themselves on any node after a crash or a full restart.
 *
 * <p>Retry n (1-based) runs {@code first-retry-after × 2^(n-1)} plus jitter after the previous
 * attempt ended, by asking the symbol's entity to refetch: the same fetch plan, breakers and quotas
 * apply, and a success refreshes its cache. A retry that met only open breakers called no provider
 * and is not counted: it runs again after {@code breaker-wait}, until the entry has been pending
 * for {@code max-pending}. After the last counted retry fails the entry is escalated: status
 * failed, published on {@link DeadLetterEvents#FAILED_TOPIC}, audited, counted; it waits for a
 * replay. Closed and failed entries passivate.
 */
public final class DlqEntity
    extends EventSourcedBehavior<DlqEntity.Command, DlqEntity.Event, DlqEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "DeadLetter");
  private static final String RETRY_TIMER = "retry";
  private static final Duration IDLE_CHECK_AFTER = Duration.ofSeconds(5);

  /** The entry id of a fetch key: stable, URL-safe, the entity id and the API's {id}. */
  public static String entryId(FetchKey key) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(key.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public sealed interface Command extends CborSerializable {}

  /** Queue {@code key}, or fold a further failure into its entry; answered once persisted. */
  public record Enqueue(FetchKey key, List<ProviderError> errors, ActorRef<Done> replyTo)
      implements Command {}

  /** Re-arm a failed entry. */
  public record Replay(RequestOrigin by, ActorRef<ReplayResult> replyTo) implements Command {}

  /**
   * Wake the entry so that it is remembered again (after the shard-count migration); answered once
   * it has recovered, when a pending entry has scheduled its retry.
   */
  public record Resume(ActorRef<Done> replyTo) implements Command {}

  public enum ReplayResult implements CborSerializable {
    REPLAYED,
    STILL_PENDING,
    UNKNOWN
  }

  private enum RetryDue implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  /**
   * Passivates an entry that is not pending (started only to be remembered, or to answer a
   * command).
   */
  private enum IdleCheck implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  private record RetryFinished(SymbolProtocol.Reply reply, String failure)
      implements Command, NoSerializationVerificationNeeded {}

  public sealed interface Event extends CborSerializable {}

  public record Enqueued(FetchKey key, List<ProviderError> errors, long atMillis)
      implements Event {}

  public record FailureFolded(List<ProviderError> errors, long atMillis) implements Event {}

  public record RetryFailed(List<ProviderError> errors, long atMillis) implements Event {}

  public record Succeeded(long atMillis) implements Event {}

  public record Escalated(long atMillis) implements Event {}

  public record Replayed(long atMillis) implements Event {}

  public enum Status {
    NONE,
    PENDING,
    FAILED,
    CLOSED
  }

  /** {@code lastAttemptEndedAt}: when the fetch that queued it, or the last retry, ended. */
  public record State(
      FetchKey key,
      Status status,
      int attempts,
      List<ProviderError> lastErrors,
      long createdAt,
      long updatedAt,
      long lastAttemptEndedAt)
      implements CborSerializable {
    static final State EMPTY = new State(null, Status.NONE, 0, List.of(), 0, 0, 0);

    public State apply(Event event) {
      if (event instanceof Enqueued e)
        return new State(
            e.key(), Status.PENDING, 0, e.errors(), e.atMillis(), e.atMillis(), e.atMillis());
      if (event instanceof FailureFolded f)
        return new State(
            key, status, attempts, f.errors(), createdAt, f.atMillis(), lastAttemptEndedAt);
      if (event instanceof RetryFailed f)
        return new State(
            key, status, attempts + 1, f.errors(), createdAt, f.atMillis(), f.atMillis());
      if (event instanceof Succeeded s)
        return new State(
            key, Status.CLOSED, attempts, List.of(), createdAt, s.atMillis(), s.atMillis());
      if (event instanceof Escalated e)
        return new State(
            key, Status.FAILED, attempts, lastErrors, createdAt, e.atMillis(), lastAttemptEndedAt);
      if (event instanceof Replayed r)
        return new State(key, Status.PENDING, 0, lastErrors, createdAt, r.atMillis(), r.atMillis());
      throw new IllegalArgumentException("unknown event " + event);
    }
  }

  /** What an entry needs from its node. */
  public record Dependencies(
      DlqSettings settings,
      Refetcher refetcher,
      RetryBudget budget,
      DlqStore store,
      AuditTrail audit,
      ActorRef<Topic.Command<DeadLetterEvents.Escalated>> failedTopic,
      DlqMetrics metrics,
      Clock clock) {}

  /**
   * Registers the entry entities with sharding on this node (remembered: they restart by
   * themselves).
   */
  public static ActorRef<ShardingEnvelope<Command>> init(
      ActorSystem<?> system, Dependencies deps, String shardRole) {
    return ClusterSharding.get(system)
        .init(
            Entity.of(ENTITY_KEY, ctx -> create(ctx, deps))
                .withRole(shardRole)
                .withSettings(
                    ClusterShardingSettings.create(system)
                        .withRole(shardRole)
                        .withRememberEntities(true)));
  }

  public static Behavior<Command> create(EntityContext<Command> entity, Dependencies deps) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers ->
                    new DlqEntity(entity.getEntityId(), entity.getShard(), context, timers, deps)));
  }

  private final String entryId;
  private final ActorRef<
          org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.ShardCommand>
      shard;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Dependencies deps;
  private boolean retryInFlight;
  private Long nextRetryAt;

  private DlqEntity(
      String entryId,
      ActorRef<ClusterSharding.ShardCommand> shard,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Dependencies deps) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), entryId),
        Optional.of(
            SupervisorStrategy.restartWithBackoff(
                Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2)));
    this.entryId = entryId;
    this.shard = shard;
    this.context = context;
    this.timers = timers;
    this.deps = deps;
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              if (state.status() == Status.PENDING) {
                scheduleRetry(state);
                saveReadModel(state);
              } else if (state.status() != Status.NONE) {
                // Remembered though finished (its node stopped before it passivated), or woken by a
                // command such as a replay: stop soon unless that command makes it pending again.
                saveReadModel(state);
                timers.startSingleTimer(IdleCheck.INSTANCE, IDLE_CHECK_AFTER);
              }
            })
        .build();
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    CommandHandlerBuilder<Command, Event, State> builder = newCommandHandlerBuilder();
    builder
        .forState(s -> s.status() == Status.PENDING)
        .onCommand(Enqueue.class, this::fold)
        .onCommand(Replay.class, (s, c) -> Effect().reply(c.replyTo(), ReplayResult.STILL_PENDING))
        .onCommand(RetryDue.class, this::retry)
        .onCommand(RetryFinished.class, this::retryFinished)
        .onCommand(IdleCheck.class, (s, c) -> Effect().none());
    builder
        .forState(s -> s.status() == Status.FAILED)
        .onCommand(Enqueue.class, this::fold)
        .onCommand(Replay.class, this::replay)
        .onCommand(RetryDue.class, (s, c) -> Effect().none())
        .onCommand(RetryFinished.class, (s, c) -> Effect().none())
        .onCommand(IdleCheck.class, this::passivateIdle);
    builder
        .forAnyState()
        .onCommand(
            Enqueue.class,
            (s, c) ->
                Effect()
                    .persist(new Enqueued(c.key(), c.errors(), now()))
                    .thenRun(this::scheduleRetry)
                    .thenRun(this::saveReadModel)
                    .thenReply(c.replyTo(), ns -> Done.getInstance()))
        .onCommand(
            Replay.class,
            (s, c) -> {
              passivate();
              return Effect().reply(c.replyTo(), ReplayResult.UNKNOWN);
            })
        .onCommand(
            Resume.class,
            (s, c) -> {
              // A pending entry's retry is scheduled and a finished one passivates by itself
              // (RecoveryCompleted); an unknown one has nothing to do.
              if (s.status() == Status.NONE) passivate();
              return Effect().reply(c.replyTo(), Done.getInstance());
            })
        .onCommand(RetryDue.class, (s, c) -> Effect().none())
        .onCommand(RetryFinished.class, (s, c) -> Effect().none())
        .onCommand(IdleCheck.class, this::passivateIdle);
    return builder.build();
  }

  private Effect<Event, State> passivateIdle(State state, IdleCheck check) {
    passivate();
    return Effect().none();
  }

  private Effect<Event, State> fold(State state, Enqueue c) {
    return Effect()
        .persist(new FailureFolded(c.errors(), now()))
        .thenRun(this::saveReadModel)
        .thenReply(c.replyTo(), ns -> Done.getInstance());
  }

  private Effect<Event, State> replay(State state, Replay c) {
    return Effect()
        .persist(new Replayed(now()))
        .thenRun(
            ns ->
                deps.audit()
                    .record(
                        AuditEvent.dlqReplayed(
                            entryId, ns.key().toString(), c.by().client(), c.by().profile())))
        .thenRun(this::scheduleRetry)
        .thenRun(this::saveReadModel)
        .thenReply(c.replyTo(), ns -> ReplayResult.REPLAYED);
  }

  private Effect<Event, State> retry(State state, RetryDue due) {
    if (retryInFlight) return Effect().none();
    if (!deps.budget().tryAcquire(state.key())) {
      timers.startSingleTimer(RETRY_TIMER, RetryDue.INSTANCE, deps.budget().retryAfter());
      return Effect().none();
    }
    retryInFlight = true;
    Duration budget = deps.settings().fetchBudget();
    context.pipeToSelf(
        deps.refetcher().refetch(state.key(), budget),
        (reply, error) ->
            new RetryFinished(reply, error == null ? null : error.getClass().getSimpleName()));
    return Effect().none();
  }

  private Effect<Event, State> retryFinished(State state, RetryFinished finished) {
    retryInFlight = false;
    long now = now();
    SymbolProtocol.Reply reply = finished.reply();
    boolean answered =
        (reply instanceof SymbolProtocol.Answer a && !a.stale())
            || reply instanceof SymbolProtocol.NotFound;
    if (answered) {
      return Effect()
          .persist(new Succeeded(now))
          .thenRun(this::saveReadModel)
          .thenRun(ns -> passivate());
    }
    List<ProviderError> errors =
        reply != null && !reply.errors().isEmpty()
            ? reply.errors()
            : List.of(
                new ProviderError(
                    "gateway",
                    ProviderErrorCode.TIMEOUT,
                    "no answer from the symbol entity: " + finished.failure()));
    // Open breakers, used-up quotas and resting keys asked no provider: not a failed retry.
    boolean calledNobody =
        errors.stream().allMatch(e -> e.local() || e.code() == ProviderErrorCode.CIRCUIT_OPEN);
    boolean pendingTooLong = now - state.createdAt() >= deps.settings().maxPending().toMillis();
    if (calledNobody && !pendingTooLong) {
      timers.startSingleTimer(RETRY_TIMER, RetryDue.INSTANCE, deps.settings().breakerWait());
      return Effect().none();
    }
    if (state.attempts() + 1 >= deps.settings().maxRetries() || pendingTooLong) {
      return Effect()
          .persist(List.of(new RetryFailed(errors, now), new Escalated(now)))
          .thenRun(this::escalated)
          .thenRun(this::saveReadModel)
          .thenRun(ns -> passivate());
    }
    return Effect()
        .persist(new RetryFailed(errors, now))
        .thenRun(this::scheduleRetry)
        .thenRun(this::saveReadModel);
  }

  private void escalated(State state) {
    String errors = describe(state.lastErrors());
    deps.failedTopic()
        .tell(
            Topic.publish(
                new DeadLetterEvents.Escalated(
                    entryId,
                    state.key(),
                    state.attempts(),
                    state.lastErrors(),
                    state.updatedAt())));
    deps.audit()
        .record(AuditEvent.dlqEscalated(entryId, state.key().toString(), state.attempts(), errors));
    deps.metrics().escalated();
    context
        .getLog()
        .warn(
            "Dead letter {} ({}) failed after {} retries: {}",
            entryId,
            state.key(),
            state.attempts(),
            errors);
  }

  /** Schedules the next counted retry relative to the end of the previous attempt. */
  private void scheduleRetry(State state) {
    Duration wait = deps.settings().backoff(state.attempts() + 1);
    long jitter =
        (long)
            (wait.toMillis() * deps.settings().jitter() * ThreadLocalRandom.current().nextDouble());
    long due = state.lastAttemptEndedAt() + wait.toMillis() + jitter;
    nextRetryAt = due;
    timers.startSingleTimer(
        RETRY_TIMER, RetryDue.INSTANCE, Duration.ofMillis(Math.max(0, due - now())));
  }

  private void saveReadModel(State state) {
    String status =
        switch (state.status()) {
          case PENDING -> DlqEntry.PENDING;
          case FAILED -> DlqEntry.FAILED;
          default -> DlqEntry.CLOSED;
        };
    deps.store()
        .save(
            new DlqEntry(
                entryId,
                state.key().dataset().wireName(),
                state.key().symbol(),
                state.key().params(),
                status,
                state.attempts(),
                describe(state.lastErrors()),
                state.createdAt(),
                state.updatedAt(),
                state.status() == Status.PENDING ? nextRetryAt : null,
                lastSequenceNumber(context)));
  }

  private void passivate() {
    shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
  }

  private long now() {
    return deps.clock().millis();
  }

  private static String describe(List<ProviderError> errors) {
    return errors.stream()
        .map(e -> e.provider() + " " + e.code() + ": " + e.message())
        .collect(Collectors.joining("; "));
  }
}
