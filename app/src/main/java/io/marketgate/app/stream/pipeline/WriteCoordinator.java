package io.marketgate.app.stream.pipeline;

import io.marketgate.protocol.stream.StreamEvent;
import io.marketgate.protocol.stream.StreamGap;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writing end of a pipeline, as a stream graph: a bounded buffer that backpressures when full,
 * batches by size or time ({@code groupedWithin}), and {@code workers} writers at once ({@code
 * mapAsync}) on the stream writers' own pool. A batch that fails is retried inside the stage, so
 * nothing is dropped: without limit while the database is away (the stream waits, and the source's
 * own buffer fills), up to {@code maxAttempts} for other errors; a batch the database rejects, or
 * one out of attempts, becomes a dead letter. Every event ends as written or dead lettered in
 * {@link PipelineCounters}.
 */
public final class WriteCoordinator {
  private static final Logger LOG = LoggerFactory.getLogger(WriteCoordinator.class);

  /**
   * @param capacity events buffered before the writers (backpressure beyond)
   * @param batchSize rows per write at most
   * @param flush the longest a partial batch waits
   * @param workers writes at once
   * @param maxAttempts attempts of a batch that fails neither as rejected nor as transient
   * @param minBackoff first wait before a retry (doubling, jittered)
   * @param maxBackoff longest wait between retries
   */
  public record Settings(
      int capacity,
      int batchSize,
      Duration flush,
      int workers,
      int maxAttempts,
      Duration minBackoff,
      Duration maxBackoff) {
    public Settings {
      if (capacity < 1 || batchSize < 1 || workers < 1 || maxAttempts < 1)
        throw new IllegalArgumentException(
            "capacity, batch_size, workers and max_attempts must be positive");
      if (flush.isNegative() || flush.isZero())
        throw new IllegalArgumentException("flush must be positive");
    }
  }

  /** Writes one batch idempotently; completes with the rows inserted. */
  @FunctionalInterface
  public interface BatchStore {
    CompletionStage<Integer> write(List<StreamEvent> batch);
  }

  /**
   * Keeps a batch that will not be written, with why: in the database's dead-letter table, or in a
   * spool on disk when the database cannot take it. Completes once the batch is kept.
   */
  @FunctionalInterface
  public interface DeadLetters {
    CompletionStage<Done> keep(List<StreamEvent> batch, String reason);
  }

  /** Where batch timings and results go. */
  public interface Observer {
    void batchWritten(int rows, long nanos);

    void batchRetried(WriteFailure failure);

    Observer NONE =
        new Observer() {
          @Override
          public void batchWritten(int rows, long nanos) {}

          @Override
          public void batchRetried(WriteFailure failure) {}
        };
  }

  private WriteCoordinator() {}

  /** The coordinator as a sink of a pipeline's events (gaps are counted and not written). */
  public static Sink<StreamEvent, CompletionStage<Done>> sink(
      ActorSystem<?> system,
      Settings settings,
      BatchStore store,
      DeadLetters deadLetters,
      PipelineCounters counters,
      Observer observer) {
    return Flow.<StreamEvent>create()
        .filter(
            e -> {
              if (e instanceof StreamGap) counters.gap();
              return !(e instanceof StreamGap);
            })
        .buffer(settings.capacity(), OverflowStrategy.backpressure())
        .groupedWithin(settings.batchSize(), settings.flush())
        .mapAsync(
            settings.workers(),
            batch -> write(system, settings, store, deadLetters, counters, observer, batch, 1))
        .toMat(Sink.ignore(), org.apache.pekko.stream.javadsl.Keep.right());
  }

  private static CompletionStage<Done> write(
      ActorSystem<?> system,
      Settings settings,
      BatchStore store,
      DeadLetters deadLetters,
      PipelineCounters counters,
      Observer observer,
      List<StreamEvent> batch,
      int attempt) {
    long started = System.nanoTime();
    return store
        .write(batch)
        .thenApply(
            inserted -> {
              observer.batchWritten(batch.size(), System.nanoTime() - started);
              counters.written(batch.size());
              return Done.getInstance();
            })
        .exceptionallyCompose(
            failure -> {
              WriteFailure kind = WriteFailure.of(failure);
              if (kind == WriteFailure.REJECTED
                  || (kind == WriteFailure.OTHER && attempt >= settings.maxAttempts()))
                return keep(deadLetters, counters, batch, failure);
              observer.batchRetried(kind);
              if (attempt == 1 || attempt % 20 == 0)
                LOG.warn(
                    "A batch of {} rows was not written ({}, attempt {}): retrying",
                    batch.size(),
                    failure.getMessage(),
                    attempt);
              return Patterns.after(
                  backoff(settings, attempt),
                  system.classicSystem().scheduler(),
                  system.executionContext(),
                  () ->
                      write(
                          system,
                          settings,
                          store,
                          deadLetters,
                          counters,
                          observer,
                          batch,
                          attempt + 1));
            });
  }

  private static CompletionStage<Done> keep(
      DeadLetters deadLetters, PipelineCounters counters, List<StreamEvent> batch, Throwable why) {
    Throwable cause = why.getCause() != null ? why.getCause() : why;
    LOG.warn("A batch of {} rows becomes a dead letter: {}", batch.size(), cause.getMessage());
    return deadLetters
        .keep(batch, cause.getMessage())
        .thenApply(
            done -> {
              counters.deadLettered(batch.size());
              return done;
            });
  }

  static Duration backoff(Settings settings, int attempt) {
    long min = settings.minBackoff().toMillis();
    long doubled = min << Math.min(attempt - 1, 20);
    long capped = Math.min(settings.maxBackoff().toMillis(), doubled);
    return Duration.ofMillis(capped + ThreadLocalRandom.current().nextLong(capped / 5 + 1));
  }
}
