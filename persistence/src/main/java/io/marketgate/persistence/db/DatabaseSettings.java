package io.marketgate.persistence.db;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where durable data lives: PostgreSQL when {@code DATABASE_URL} is set, otherwise an embedded H2
 * file under {@code MARKETGATE_DATA_DIR} (or an H2 server, {@code jdbc:h2:tcp://}, that local nodes
 * share). {@link #toString()} never shows the password.
 */
public record DatabaseSettings(Kind kind, String url, String user, String password, int poolSize) {

  public enum Kind {
    POSTGRES,
    H2
  }

  public DatabaseSettings {
    if (poolSize < 2)
      throw new IllegalArgumentException("marketgate.database.pool-size must be at least 2");
  }

  public static DatabaseSettings fromConfig(Config root) {
    Config db = root.getConfig("marketgate.database");
    String url = db.getString("url").trim();
    int pool = db.getInt("pool-size");
    if (url.isEmpty()) {
      // WRITE_DELAY=0: a commit is on disk before it is acknowledged, so a kill -9 loses nothing.
      Path file =
          Path.of(root.getString("marketgate.data-dir")).toAbsolutePath().resolve("marketgate");
      String h2 =
          "jdbc:h2:file:"
              + file.toString().replace('\\', '/')
              + ";DATABASE_TO_LOWER=TRUE;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
      return new DatabaseSettings(Kind.H2, h2, "sa", "", pool);
    }
    if (url.startsWith("jdbc:h2:tcp://")) {
      // An H2 server several local nodes share (scripts/cluster.sh without PostgreSQL).
      String user = db.getString("user").isBlank() ? "sa" : db.getString("user");
      return new DatabaseSettings(Kind.H2, url, user, db.getString("password"), pool);
    }
    if (!url.startsWith("jdbc:postgresql://")) {
      throw new IllegalArgumentException(
          "DATABASE_URL must be a jdbc:postgresql:// URL (or jdbc:h2:tcp:// for a shared local H2 server)");
    }
    return new DatabaseSettings(
        Kind.POSTGRES, url, db.getString("user"), db.getString("password"), pool);
  }

  /**
   * The settings of pekko-persistence-jdbc for this database: journal, snapshots and queries all
   * use one shared Slick database, whose HikariCP pool the rest of Marketgate shares too.
   */
  public Config persistencePluginConfig() {
    String profile =
        kind == Kind.POSTGRES ? "slick.jdbc.PostgresProfile$" : "slick.jdbc.H2Profile$";
    String driver = kind == Kind.POSTGRES ? "org.postgresql.Driver" : "org.h2.Driver";
    return ConfigFactory.parseMap(
        Map.of(
            "pekko-persistence-jdbc.shared-databases.marketgate.profile", profile,
            "pekko-persistence-jdbc.shared-databases.marketgate.db.url", url,
            "pekko-persistence-jdbc.shared-databases.marketgate.db.user", user,
            "pekko-persistence-jdbc.shared-databases.marketgate.db.password", password,
            "pekko-persistence-jdbc.shared-databases.marketgate.db.driver", driver,
            "pekko-persistence-jdbc.shared-databases.marketgate.db.numThreads", poolSize,
            "pekko-persistence-jdbc.shared-databases.marketgate.db.maxConnections", poolSize,
            "pekko-persistence-jdbc.shared-databases.marketgate.db.minConnections", 1));
  }

  @Override
  public String toString() {
    return "DatabaseSettings["
        + kind
        + ", "
        + url.replaceAll("password=[^&;]*", "password=****")
        + ", user="
        + user
        + "]";
  }
}
