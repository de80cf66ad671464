package io.marketgate.app;

import com.typesafe.config.Config;
import io.marketgate.app.metrics.Metrics;
import io.marketgate.persistence.audit.AuditLog;
import io.marketgate.persistence.db.Database;
import io.marketgate.persistence.db.DatabaseSettings;
import io.marketgate.persistence.db.NodeHeartbeats;
import io.marketgate.persistence.dlq.DlqStore;
import io.marketgate.persistence.lastgood.LastGoodStore;
import io.marketgate.persistence.writer.BatchWriter;
import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A node's durable parts: the database (migrated in the background), the audit trail, the last-good
 * store and the dead-letter read model, with the {@code dlq_entries} gauge sampled from it; and the
 * node's heartbeat row, by which one-off commands know a node runs.
 */
public record Durable(
    Database database, AuditLog audit, LastGoodStore lastGood, DlqStore dlqStore) {
  private static final Duration GAUGE_INTERVAL = Duration.ofSeconds(5);

  static Durable start(ActorSystem<?> system, Config config, Metrics metrics) {
    Database database = Database.start(system, DatabaseSettings.fromConfig(config));
    NodeHeartbeats.start(
        system, database, Cluster.get(system).selfMember().address().toString(), Clock.systemUTC());
    BatchWriter.Metrics writerMetrics = metrics.writerMetrics();
    Durable durable =
        new Durable(
            database,
            new AuditLog(
                system, database, writerSettings(config, "marketgate.audit"), writerMetrics),
            new LastGoodStore(
                system, database, writerSettings(config, "marketgate.last-good"), writerMetrics),
            new DlqStore(system, database, writerMetrics));
    system
        .scheduler()
        .scheduleWithFixedDelay(
            GAUGE_INTERVAL,
            GAUGE_INTERVAL,
            () -> {
              if (database.isReady()) {
                durable
                    .dlqStore()
                    .countByStatus()
                    .thenAccept(counts -> counts.forEach(metrics::dlqEntries));
              }
            },
            system.executionContext());
    return durable;
  }

  private static BatchWriter.Settings writerSettings(Config config, String path) {
    Config c = config.getConfig(path);
    return new BatchWriter.Settings(
        c.getInt("buffer-size"), c.getInt("batch-size"), c.getDuration("batch-interval"));
  }
}
