package io.marketgate.app.concurrent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Adapts the {@link CompletionStage}s that Pekko's Java APIs return.
 *
 * <p>Those stages are Scala's {@code FutureConverters} futures, which turn every non-async callback
 * ({@code thenApply}, {@code handle}, {@code whenComplete}, …) into its {@code *Async} form on the
 * JDK's default async pool. On a 2-core machine that pool has parallelism 1, and the JDK then
 * starts a new thread for every callback: thousands of threads under load. {@link #direct} moves
 * the result onto a plain {@link CompletableFuture} on the completing thread, so the callbacks
 * chained after it run where the result arrives, as on any other future.
 */
public final class Stages {
  /** Runs a task on the calling thread. */
  public static final Executor DIRECT = Runnable::run;

  private Stages() {}

  public static <T> CompletableFuture<T> direct(CompletionStage<T> stage) {
    return stage.thenApplyAsync(Function.identity(), DIRECT).toCompletableFuture();
  }
}
