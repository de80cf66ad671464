package io.marketgate.persistence.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.jdbc.db.SlickExtension$;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import slick.jdbc.hikaricp.HikariCPJdbcDataSource;

/**
 * The node's database: the HikariCP pool pekko-persistence-jdbc created for its shared database
 * (one pool for the journal, snapshots, queries and Marketgate's own tables), the blocking
 * dispatcher every JDBC call runs on, and the schema migrations, retried until the database answers
 * so that a node starts serving while its database is still down.
 */
public final class Database {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  public static final String DISPATCHER = "marketgate.jdbc-dispatcher";

  /** Blocking work on one connection. */
  @FunctionalInterface
  public interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  private final DatabaseSettings settings;
  private final DataSource dataSource;
  private final Executor jdbc;
  private final SqlDialect dialect;
  private final CompletableFuture<Void> migrated = new CompletableFuture<>();

  private Database(DatabaseSettings settings, DataSource dataSource, Executor jdbc) {
    this.settings = settings;
    this.dataSource = dataSource;
    this.jdbc = jdbc;
    this.dialect = SqlDialect.of(settings.kind());
  }

  /** Takes the shared pool of the persistence plugin and starts migrating in the background. */
  public static Database start(ActorSystem<?> system, DatabaseSettings settings) {
    SlickExtensionImpl slick =
        (SlickExtensionImpl) SlickExtension$.MODULE$.get(system.classicSystem());
    HikariCPJdbcDataSource source =
        (HikariCPJdbcDataSource)
            slick
                .database(system.settings().config().getConfig("jdbc-journal"))
                .database()
                .source();
    Executor jdbc = system.dispatchers().lookup(DispatcherSelector.fromConfig(DISPATCHER));
    Database db = new Database(settings, source.ds(), jdbc);
    db.migrateUntilDone(system, Duration.ofSeconds(1));
    return db;
  }

  private void migrateUntilDone(ActorSystem<?> system, Duration backoff) {
    CompletableFuture.runAsync(() -> Migrations.migrate(dataSource, settings.kind()), jdbc)
        .whenComplete(
            (done, error) -> {
              if (error == null) {
                LOG.info("Database schema is up to date ({})", settings.kind());
                migrated.complete(null);
              } else {
                Duration next =
                    backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0
                        ? Duration.ofSeconds(30)
                        : backoff.multipliedBy(2);
                LOG.warn(
                    "Database not ready ({}); migrating again in {}", rootMessage(error), backoff);
                Patterns.after(
                    backoff,
                    system.classicSystem().scheduler(),
                    system.executionContext(),
                    () -> {
                      migrateUntilDone(system, next);
                      return CompletableFuture.completedFuture(null);
                    });
              }
            });
  }

  /** Completes once the schema is up to date. */
  public CompletionStage<Void> ready() {
    return migrated;
  }

  public boolean isReady() {
    return migrated.isDone() && !migrated.isCompletedExceptionally();
  }

  /** Runs {@code work} on the JDBC dispatcher with a pooled connection. */
  public <T> CompletionStage<T> run(Work<T> work) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection()) {
            return work.apply(c);
          } catch (SQLException e) {
            throw new DatabaseException(e);
          }
        },
        jdbc);
  }

  public SqlDialect dialect() {
    return dialect;
  }

  public DatabaseSettings settings() {
    return settings;
  }

  static String rootMessage(Throwable error) {
    Throwable t = error;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  /** A failed JDBC call, unchecked so it can complete a future. */
  public static final class DatabaseException extends RuntimeException {
    DatabaseException(SQLException cause) {
      super(cause.getMessage(), cause);
    }
  }
}
