package io.marketgate.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.marketgate.persistence.db.DatabaseSettings;
import io.marketgate.persistence.db.Migrations;
import io.marketgate.persistence.db.NodeHeartbeats;
import io.marketgate.persistence.db.SqlDialect;
import io.marketgate.persistence.dlq.DlqShardCount;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * {@code java -jar marketgate.jar migrate-shards}: moves the dead-letter queue's remembered
 * entities to the configured number of shards ({@link DlqShardCount}). Run once, with the same
 * database settings as the nodes, while every node of the cluster is stopped: it refuses while a
 * node's heartbeat is recent, or when the database holds no journal (a wrong URL). Exits 0 when
 * done (also when there was nothing to move), 1 on refusal or failure, with the remembered records
 * as they were.
 */
final class ShardMigrationCommand {
  private ShardMigrationCommand() {}

  static int run() {
    Config config = ConfigFactory.load();
    DatabaseSettings database = DatabaseSettings.fromConfig(config);
    int shards = config.getInt("pekko.cluster.sharding.number-of-shards");
    System.out.println("migrate-shards on " + database + " to " + shards + " shards");
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(database.url());
    pool.setUsername(database.user());
    pool.setPassword(database.password());
    pool.setMaximumPoolSize(2);
    try (HikariDataSource dataSource = new HikariDataSource(pool)) {
      try (Connection c = dataSource.getConnection()) {
        if (!hasJournal(c)) {
          System.err.println(
              "migrate-shards: this database holds no Marketgate journal (no event_journal table);"
                  + " check DATABASE_URL (or MARKETGATE_DATA_DIR). Nothing was changed.");
          return 1;
        }
      }
      // Earlier versions lack the tables the migration records its work in.
      Migrations.migrate(dataSource, database.kind());
      try (Connection c = dataSource.getConnection()) {
        long since = System.currentTimeMillis() - NodeHeartbeats.RECENT.toMillis();
        List<String> running = NodeHeartbeats.seenSince(c, since);
        if (!running.isEmpty()) {
          System.err.println(
              "migrate-shards: nodes of the cluster still run (seen in the last "
                  + NodeHeartbeats.RECENT.toSeconds()
                  + " s): "
                  + String.join(", ", running)
                  + ". Stop every node first (a killed node's row ages out after that long)."
                  + " The remembered records were not changed.");
          return 1;
        }
        DlqShardCount.Migration done =
            DlqShardCount.migrate(c, SqlDialect.of(database.kind()), shards);
        System.out.printf(
            "Dead-letter queue moved from %s to %d shards: the records of %d shards removed, %d"
                + " entries resume at the next start%n",
            done.previousShards(), done.shards(), done.shardRecords(), done.entries());
        return 0;
      }
    } catch (Exception e) {
      System.err.println(
          "migrate-shards failed; the remembered records are as they were: " + e.getMessage());
      return 1;
    }
  }

  private static boolean hasJournal(Connection c) {
    try (Statement s = c.createStatement()) {
      s.executeQuery("SELECT 1 FROM event_journal WHERE 1 = 0").close();
      return true;
    } catch (SQLException noTable) {
      return false;
    }
  }
}
