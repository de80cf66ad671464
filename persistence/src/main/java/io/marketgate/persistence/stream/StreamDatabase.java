package io.marketgate.persistence.stream;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.marketgate.persistence.db.Database;
import io.marketgate.protocol.stream.StreamEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;

/**
 * The database as pipelines write to it: a connection pool and a dispatcher of their own (stream
 * writes never take the journal's connections or threads), the stream tables, and their dead
 * letters. Writes wait until the node's migrations have created the tables.
 */
public final class StreamDatabase {
  public static final String DISPATCHER = "marketgate.stream-jdbc-dispatcher";

  private final Database database;
  private final HikariDataSource pool;
  private final Executor executor;
  private final StreamStore store;
  private final StreamDeadLetters deadLetters;

  private StreamDatabase(
      Database database, HikariDataSource pool, Executor executor, StreamDeadLetters deadLetters) {
    this.database = database;
    this.pool = pool;
    this.executor = executor;
    this.store = new StreamStore(database.dialect());
    this.deadLetters = deadLetters;
  }

  /**
   * @param poolSize connections of the writers' pool (writes at once, all pipelines together)
   * @param spool where dead letters go while the database cannot take them
   */
  public static StreamDatabase start(
      ActorSystem<?> system, Database database, int poolSize, DeadLetterSpool spool) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("stream-writers");
    config.setJdbcUrl(database.settings().url());
    config.setUsername(database.settings().user());
    config.setPassword(database.settings().password());
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(0);
    // Do not wait for the database at start: writes retry until it answers.
    config.setInitializationFailTimeout(-1);
    config.setConnectionTimeout(2_000);
    HikariDataSource pool = new HikariDataSource(config);
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseActorSystemTerminate(),
            "close-stream-writers-pool",
            () -> {
              pool.close();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
    Executor executor = system.dispatchers().lookup(DispatcherSelector.fromConfig(DISPATCHER));
    return new StreamDatabase(database, pool, executor, new StreamDeadLetters(spool));
  }

  /** Writes a batch in one transaction; completes with the rows inserted (replays are not). */
  public CompletionStage<Integer> write(List<StreamEvent> batch) {
    return run(c -> store.write(c, batch));
  }

  /** Keeps a batch as a dead letter: in the table, or in the spool while that fails. */
  public CompletionStage<Done> keepDeadLetter(
      String pipeline, List<StreamEvent> batch, String reason) {
    return run(c -> deadLetters.insert(c, pipeline, batch, reason))
        .handle(
            (id, failure) -> {
              if (failure != null) deadLetters.spool(pipeline, batch, reason, failure);
              return Done.getInstance();
            });
  }

  /** The pending dead letters of a pipeline, oldest first. */
  public CompletionStage<List<StreamDeadLetters.Entry>> pendingDeadLetters(String pipeline) {
    return run(c -> deadLetters.pending(c, pipeline));
  }

  /**
   * Writes a pending dead letter's rows again (the spool's first, so nothing spooled is forgotten),
   * and marks it replayed when they are stored.
   */
  public CompletionStage<Integer> replay(long id) {
    return run(
        c -> {
          StreamDeadLetters.Entry entry = deadLetters.get(c, id);
          int inserted = store.write(c, entry.events());
          deadLetters.markReplayed(c, id);
          return inserted;
        });
  }

  /** Moves spooled dead letters into the table, once the database takes them again. */
  public CompletionStage<Integer> drainSpool() {
    return run(deadLetters::drainSpool);
  }

  private <T> CompletionStage<T> run(Database.Work<T> work) {
    return database
        .ready()
        .thenApplyAsync(
            ready -> {
              try (Connection c = pool.getConnection()) {
                return work.apply(c);
              } catch (SQLException e) {
                throw new java.util.concurrent.CompletionException(e);
              }
            },
            executor);
  }
}
