package io.marketgate.app.symbol;

import io.marketgate.app.concurrent.Stages;
import io.marketgate.app.provider.ProviderActor;
import io.marketgate.app.provider.ProviderRegistry;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderError;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.RequestOrigin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Tries a dataset's providers in priority order under one deadline. Each attempt gets at most the
 * provider's own timeout and never more than the remaining time divided by the providers still to
 * try, so a hanging primary leaves time for the fallbacks (SPEC §4). The returned stage always
 * completes by the deadline.
 */
public final class FetchPlan {
  /** Below this much remaining time an attempt is not started: it could not finish. */
  private static final long MIN_ATTEMPT_NANOS = Duration.ofMillis(5).toNanos();
  /** The ask waits this much past the attempt's own timeout for the provider actor's reply. */
  private static final Duration ASK_GRACE = Duration.ofMillis(50);

  private final ProviderRegistry registry;
  private final Scheduler scheduler;

  public FetchPlan(ProviderRegistry registry, Scheduler scheduler) {
    this.registry = registry;
    this.scheduler = scheduler;
  }

  /** @param deadlineNanos {@link System#nanoTime()} by which the outcome must be known */
  public CompletionStage<FetchOutcome> run(FetchKey key, long deadlineNanos, RequestOrigin origin) {
    List<ProviderRegistry.Provider> providers = registry.planFor(key.dataset());
    return attempt(key, origin, providers, 0, deadlineNanos, new Progress());
  }

  /** What the attempts so far produced; confined to one fetch's sequential chain. */
  private static final class Progress {
    final List<String> attempted = new ArrayList<>();
    final List<ProviderError> errors = new ArrayList<>();
    boolean notFound;

    FetchOutcome end() {
      List<String> a = List.copyOf(attempted);
      List<ProviderError> e = List.copyOf(errors);
      return notFound ? new FetchOutcome.NotFound(a, e) : new FetchOutcome.Failed(a, e);
    }
  }

  private CompletionStage<FetchOutcome> attempt(
      FetchKey key, RequestOrigin origin, List<ProviderRegistry.Provider> providers, int index, long deadline, Progress progress) {
    if (index >= providers.size()) return CompletableFuture.completedFuture(progress.end());
    ProviderRegistry.Provider provider = providers.get(index);
    long remaining = deadline - System.nanoTime();
    if (remaining < MIN_ATTEMPT_NANOS) {
      for (int i = index; i < providers.size(); i++) {
        progress.errors.add(new ProviderError(providers.get(i).name(), ProviderErrorCode.TIMEOUT, "request deadline reached"));
      }
      return CompletableFuture.completedFuture(progress.end());
    }
    long share = remaining / (providers.size() - index);
    Duration timeout = Duration.ofNanos(Math.min(provider.settings().timeout().toNanos(), share));
    progress.attempted.add(provider.name());
    CompletionStage<ProviderActor.Outcome> asked =
        Stages.direct(
                AskPattern.<ProviderActor.Command, ProviderActor.Outcome>ask(
                    provider.ref(), replyTo -> new ProviderActor.Fetch(key, timeout, origin, replyTo), timeout.plus(ASK_GRACE), scheduler))
            .exceptionally(
                e -> new ProviderActor.Failed(new ProviderError(provider.name(), ProviderErrorCode.TIMEOUT, "provider actor did not answer")));
    return asked.thenCompose(
        outcome -> {
          if (outcome instanceof ProviderActor.Fetched f) {
            return CompletableFuture.completedFuture(
                new FetchOutcome.Fetched(
                    provider.name(),
                    index > 0,
                    f.data(),
                    provider.settings().confidence(),
                    List.copyOf(progress.attempted),
                    List.copyOf(progress.errors)));
          }
          ProviderError error = ((ProviderActor.Failed) outcome).error();
          progress.errors.add(error);
          if (error.code() == ProviderErrorCode.NOT_FOUND) progress.notFound = true;
          return attempt(key, origin, providers, index + 1, deadline, progress);
        });
  }
}
