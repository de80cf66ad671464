package io.marketgate.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.marketgate.persistence.db.DatabaseSettings;
import io.marketgate.persistence.db.Migrations;
import io.marketgate.persistence.db.SqlDialect;
import io.marketgate.persistence.dlq.DlqShardCount;
import java.sql.Connection;

/**
 * {@code java -jar marketgate.jar migrate-shards}: moves the dead-letter queue's remembered
 * entities to the configured number of shards ({@link DlqShardCount}). Run once, with the same
 * database settings as the nodes, while every node of the cluster is stopped. Exits 0 when done
 * (also when there was nothing to move), 1 on failure, leaving everything as it was.
 */
final class ShardMigrationCommand {
  private ShardMigrationCommand() {}

  static int run() {
    Config config = ConfigFactory.load();
    DatabaseSettings database = DatabaseSettings.fromConfig(config);
    int shards = config.getInt("pekko.cluster.sharding.number-of-shards");
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(database.url());
    pool.setUsername(database.user());
    pool.setPassword(database.password());
    pool.setMaximumPoolSize(2);
    try (HikariDataSource dataSource = new HikariDataSource(pool)) {
      Migrations.migrate(dataSource, database.kind());
      try (Connection c = dataSource.getConnection()) {
        DlqShardCount.Migration done =
            DlqShardCount.migrate(c, SqlDialect.of(database.kind()), shards);
        System.out.printf(
            "Dead-letter queue moved from %s to %d shards: the records of %d shards removed, %d entries resume at the next start%n",
            done.previousShards(), done.shards(), done.shardRecords(), done.entries());
        return 0;
      }
    } catch (Exception e) {
      System.err.println(
          "migrate-shards failed; the remembered records are as they were: " + e.getMessage());
      return 1;
    }
  }
}
