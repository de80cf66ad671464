package io.marketgate.persistence.dlq;

import io.marketgate.persistence.audit.AuditTrail;
import io.marketgate.persistence.db.Database;
import io.marketgate.protocol.DeadLetterEvents;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderError;
import io.marketgate.protocol.RequestOrigin;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable dead-letter queue: failed fetches go to their sharded {@link DlqEntity}, delivered at
 * least once (retried until the entity has persisted them) through a bounded buffer, so a journal
 * outage delays entries rather than losing them. The entities start once the schema is migrated;
 * remembered ones then resume their retries by themselves.
 */
public final class ShardedDeadLetterQueue implements DeadLetterQueue {
  private static final Logger LOG = LoggerFactory.getLogger(ShardedDeadLetterQueue.class);
  private static final Duration RECHECK = Duration.ofSeconds(5);
  private static final Duration RESUME_AGAIN = Duration.ofSeconds(30);

  private record Delivery(FetchKey key, List<ProviderError> errors) {}

  private final ClusterSharding sharding;
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private final BoundedSourceQueue<Delivery> deliveries;
  private final DlqStore store;
  private final DlqMetrics metrics;
  private final Duration askTimeout;

  private ShardedDeadLetterQueue(
      ActorSystem<?> system, DlqSettings settings, DlqStore store, DlqMetrics metrics) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = settings.askTimeout();
    this.store = store;
    this.metrics = metrics;
    this.deliveries =
        Source.<Delivery>queue(settings.deliveryBuffer())
            .mapAsyncUnordered(4, d -> deliver(system, d))
            .to(Sink.ignore())
            .run(system);
  }

  /** What the queue's entries need from their node, besides the sharding they run in. */
  public record Wiring(
      DlqSettings settings,
      Refetcher refetcher,
      RetryBudget budget,
      DlqStore store,
      AuditTrail audit,
      ActorRef<Topic.Command<DeadLetterEvents.Escalated>> failedTopic,
      DlqMetrics metrics) {}

  /**
   * Starts the queue on this node: the sharded entities (with remembered entities in the journal)
   * start once {@code database} is migrated and holds no records of another number of shards.
   */
  public static ShardedDeadLetterQueue start(
      ActorSystem<?> system, Database database, Wiring wiring, String shardRole) {
    ShardedDeadLetterQueue queue =
        new ShardedDeadLetterQueue(system, wiring.settings(), wiring.store(), wiring.metrics());
    DlqEntity.Dependencies deps =
        new DlqEntity.Dependencies(
            wiring.settings(),
            wiring.refetcher(),
            wiring.budget(),
            wiring.store(),
            wiring.audit(),
            wiring.failedTopic(),
            wiring.metrics(),
            Clock.systemUTC());
    int shards = ClusterShardingSettings.create(system).numberOfShards();
    database.ready().thenRun(() -> queue.startWhenSafe(system, database, deps, shardRole, shards));
    return queue;
  }

  /** Starts the entities unless the journal remembers them under another number of shards. */
  private void startWhenSafe(
      ActorSystem<?> system,
      Database database,
      DlqEntity.Dependencies deps,
      String shardRole,
      int shards) {
    database
        .run(c -> DlqShardCount.refusal(c, database.dialect(), shards))
        .whenComplete(
            (refusal, error) -> {
              if (error != null) {
                LOG.warn(
                    "Dead-letter queue not started yet: its shards cannot be checked ({}); trying again in {}",
                    error.getMessage(),
                    RECHECK);
                system
                    .scheduler()
                    .scheduleOnce(
                        RECHECK,
                        () -> startWhenSafe(system, database, deps, shardRole, shards),
                        system.executionContext());
              } else if (refusal.isPresent()) {
                started.completeExceptionally(new ShardCountMismatch(refusal.get()));
              } else {
                DlqEntity.init(system, deps, shardRole);
                started.complete(null);
                LOG.info("Dead-letter queue started");
                resumeMigrated(system, database);
              }
            });
  }

  /**
   * The journal remembers dead-letter entities under another number of shards: see {@link
   * DlqShardCount}.
   */
  public static final class ShardCountMismatch extends IllegalStateException {
    ShardCountMismatch(String message) {
      super(message);
    }
  }

  /**
   * Wakes the entries the shard-count migration listed, so that they are remembered again; as long
   * as some could not be woken (their entities unreachable, the database away), tries again after
   * {@link #RESUME_AGAIN}. Every node does this at its start: waking an entry twice is harmless.
   */
  private void resumeMigrated(ActorSystem<?> system, Database database) {
    database
        .run(DlqShardCount::toResume)
        .thenCompose(
            ids -> {
              if (ids.isEmpty()) return CompletableFuture.completedFuture(0L);
              LOG.info(
                  "Resuming {} dead-letter entries after the shard-count migration", ids.size());
              List<CompletableFuture<Boolean>> woken = new ArrayList<>();
              for (String id : ids) woken.add(resume(system, database, id));
              return CompletableFuture.allOf(woken.toArray(CompletableFuture[]::new))
                  .thenApply(done -> woken.stream().filter(w -> !w.join()).count());
            })
        .whenComplete(
            (left, error) -> {
              if (error == null && left == 0) return;
              if (error != null) {
                LOG.warn(
                    "The dead-letter entries to resume could not be read ({}); trying again in {}",
                    error.getMessage(),
                    RESUME_AGAIN);
              } else {
                LOG.warn(
                    "{} dead-letter entries not resumed yet; trying again in {}",
                    left,
                    RESUME_AGAIN);
              }
              system
                  .scheduler()
                  .scheduleOnce(
                      RESUME_AGAIN,
                      () -> resumeMigrated(system, database),
                      system.executionContext());
            });
  }

  /** Whether the entry answered its {@code Resume} and left the list. */
  private CompletableFuture<Boolean> resume(ActorSystem<?> system, Database database, String id) {
    return Patterns.retry(
            () ->
                sharding
                    .entityRefFor(DlqEntity.ENTITY_KEY, id)
                    .<Done>ask(DlqEntity.Resume::new, askTimeout),
            5,
            Duration.ofMillis(500),
            Duration.ofSeconds(10),
            0.2,
            system.classicSystem())
        .thenCompose(
            done ->
                database.run(
                    c -> {
                      DlqShardCount.resumed(c, id);
                      return true;
                    }))
        .toCompletableFuture()
        .exceptionally(error -> false);
  }

  @Override
  public void enqueue(FetchKey key, List<ProviderError> errors) {
    if (deliveries.offer(new Delivery(key, errors)) != QueueOfferResult.enqueued()) {
      metrics.undelivered();
      LOG.warn("Dead-letter buffer full: {} not queued", key);
    }
  }

  private CompletionStage<Done> deliver(ActorSystem<?> system, Delivery d) {
    return started
        .thenCompose(
            v ->
                Patterns.retry(
                    () ->
                        sharding
                            .entityRefFor(DlqEntity.ENTITY_KEY, DlqEntity.entryId(d.key()))
                            .<Done>ask(
                                replyTo -> new DlqEntity.Enqueue(d.key(), d.errors(), replyTo),
                                askTimeout),
                    30,
                    Duration.ofMillis(500),
                    Duration.ofSeconds(30),
                    0.2,
                    system.classicSystem()))
        .exceptionally(
            error -> {
              metrics.undelivered();
              LOG.error("Dead letter {} could not be persisted: {}", d.key(), error.getMessage());
              return Done.getInstance();
            });
  }

  /** Re-arms a failed entry. */
  public CompletionStage<DlqEntity.ReplayResult> replay(String entryId, RequestOrigin by) {
    return started.thenCompose(
        v ->
            sharding
                .entityRefFor(DlqEntity.ENTITY_KEY, entryId)
                .ask(replyTo -> new DlqEntity.Replay(by, replyTo), askTimeout));
  }

  public CompletionStage<DlqStore.Page> list(String status, int page, int size) {
    return store.list(status, page, size);
  }

  /**
   * Completes when the entities run on this node; fails with {@link ShardCountMismatch} when they
   * must not start.
   */
  public CompletionStage<Void> started() {
    return started;
  }
}
