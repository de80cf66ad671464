package io.marketgate.persistence.writer;

import io.marketgate.persistence.db.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows to the database in batches, never blocking whoever produces them: {@link #offer} puts
 * a row in a bounded buffer (Pekko Streams {@code Source.queue}), batches form by size or time
 * ({@code groupedWithin}) and are written one at a time ({@code mapAsync(1)}) on the JDBC
 * dispatcher. A batch that fails is retried with backoff until it is written, so the buffer fills
 * while the database is away and catches up when it returns; a row offered to a full buffer is
 * dropped and counted. Sinks must be idempotent (a retried batch may have been written).
 */
public final class BatchWriter<T> {
  private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);

  /** Writes one batch on one connection, idempotently. */
  @FunctionalInterface
  public interface BatchSink<T> {
    void write(Connection connection, List<T> batch) throws SQLException;
  }

  /** Where the writer reports what became of its rows. */
  public interface Metrics {
    void written(String writer, int rows);

    void dropped(String writer, int rows);

    Metrics NONE =
        new Metrics() {
          @Override
          public void written(String writer, int rows) {}

          @Override
          public void dropped(String writer, int rows) {}
        };
  }

  /** Buffer and batch sizes. */
  public record Settings(int bufferSize, int batchSize, Duration batchInterval) {}

  private final String name;
  private final BoundedSourceQueue<T> queue;
  private final CompletionStage<Done> done;
  private final Metrics metrics;
  private final AtomicLong produced = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  public BatchWriter(
      String name,
      ActorSystem<?> system,
      Database database,
      BatchSink<T> sink,
      Settings settings,
      Metrics metrics) {
    this.name = name;
    this.metrics = metrics;
    Pair<BoundedSourceQueue<T>, CompletionStage<Done>> running =
        Source.<T>queue(settings.bufferSize())
            .groupedWithin(settings.batchSize(), settings.batchInterval())
            .mapAsync(1, batch -> writeUntilDone(system, database, sink, batch))
            .toMat(Sink.ignore(), Keep.both())
            .run(system);
    this.queue = running.first();
    this.done = running.second();
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseServiceStop(),
            "flush-" + name,
            () -> {
              queue.complete();
              return done;
            });
  }

  /** Queues a row for writing; false when the buffer is full and the row was dropped. */
  public boolean offer(T row) {
    produced.incrementAndGet();
    QueueOfferResult result = queue.offer(row);
    if (result == QueueOfferResult.enqueued()) return true;
    dropped.incrementAndGet();
    metrics.dropped(name, 1);
    return false;
  }

  private CompletionStage<Integer> writeUntilDone(
      ActorSystem<?> system, Database database, BatchSink<T> sink, List<T> batch) {
    return Patterns.retry(
            () ->
                database
                    .run(
                        c -> {
                          boolean autoCommit = c.getAutoCommit();
                          c.setAutoCommit(false);
                          try {
                            sink.write(c, batch);
                            c.commit();
                          } catch (SQLException e) {
                            c.rollback();
                            throw e;
                          } finally {
                            c.setAutoCommit(autoCommit);
                          }
                          return batch.size();
                        })
                    .whenComplete(
                        (n, error) -> {
                          if (error != null)
                            LOG.warn(
                                "{}: a batch of {} rows was not written ({}); retrying",
                                name,
                                batch.size(),
                                error.getMessage());
                        }),
            Integer.MAX_VALUE,
            Duration.ofMillis(200),
            Duration.ofSeconds(10),
            0.2,
            system.classicSystem())
        .thenApply(
            n -> {
              written.addAndGet(n);
              metrics.written(name, n);
              return n;
            });
  }

  /** Rows offered so far, written so far, and dropped because the buffer was full. */
  public long produced() {
    return produced.get();
  }

  public long written() {
    return written.get();
  }

  public long dropped() {
    return dropped.get();
  }
}
