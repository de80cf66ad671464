package io.marketgate.app.symbol;

import io.marketgate.app.concurrent.Stages;
import io.marketgate.app.config.DatasetRouting;
import io.marketgate.app.json.Json;
import io.marketgate.app.provider.ProviderActor;
import io.marketgate.app.provider.ProviderRegistry;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderError;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.RequestOrigin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Tries a dataset's providers in priority order under one deadline. Each attempt gets at most the
 * provider's own timeout and never more than the remaining time divided by the providers still to
 * try, so a hanging primary leaves time for the fallbacks. The returned stage always completes by
 * the deadline.
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

  /** Whether {@code provider} is the first a dataset asks (its answers are not fallbacks). */
  public boolean isPrimary(Dataset dataset, String provider) {
    List<ProviderRegistry.Provider> plan = registry.planFor(dataset);
    return !plan.isEmpty() && plan.get(0).name().equals(provider);
  }

  /**
   * @param deadlineNanos {@link System#nanoTime()} by which the outcome must be known
   */
  public CompletionStage<FetchOutcome> run(FetchKey key, long deadlineNanos, RequestOrigin origin) {
    return run(key, deadlineNanos, origin, Set.of(), List.of(), List.of());
  }

  /**
   * Runs the plan without the providers in {@code skip}, which were already tried (as by a batch
   * call) with the given result: they are reported as attempted with their errors.
   */
  public CompletionStage<FetchOutcome> run(
      FetchKey key,
      long deadlineNanos,
      RequestOrigin origin,
      Set<String> skip,
      List<String> attempted,
      List<ProviderError> errors) {
    List<ProviderRegistry.Provider> providers =
        registry.planFor(key.dataset()).stream().filter(p -> !skip.contains(p.name())).toList();
    Progress progress = new Progress(attempted, errors);
    DatasetRouting routing = registry.routingOf(key.dataset());
    if (routing.mode() == DatasetRouting.Mode.MERGE) {
      return merge(key, origin, providers, deadlineNanos, routing.minProviders(), progress);
    }
    return attempt(key, origin, providers, 0, deadlineNanos, progress);
  }

  /** What the attempts so far produced; confined to one fetch's chain of attempts. */
  private static final class Progress {
    final List<String> attempted;
    final List<ProviderError> errors;
    boolean notFound;

    Progress(List<String> attempted, List<ProviderError> errors) {
      this.attempted = new ArrayList<>(attempted);
      this.errors = new ArrayList<>(errors);
      this.notFound = errors.stream().anyMatch(e -> e.code() == ProviderErrorCode.NOT_FOUND);
    }

    FetchOutcome end() {
      List<String> a = List.copyOf(attempted);
      List<ProviderError> e = List.copyOf(errors);
      return notFound ? new FetchOutcome.NotFound(a, e) : new FetchOutcome.Failed(a, e);
    }
  }

  private CompletableFuture<ProviderActor.Outcome> ask(
      ProviderRegistry.Provider provider, FetchKey key, RequestOrigin origin, Duration timeout) {
    return Stages.direct(
            AskPattern.<ProviderActor.Command, ProviderActor.Outcome>ask(
                provider.ref(),
                replyTo -> new ProviderActor.Fetch(key, timeout, origin, replyTo),
                timeout.plus(ASK_GRACE),
                scheduler))
        .exceptionally(
            e ->
                new ProviderActor.Failed(
                    new ProviderError(
                        provider.name(),
                        ProviderErrorCode.TIMEOUT,
                        "provider actor did not answer")));
  }

  /** Every provider at once, each within its own timeout and the deadline; their answers merged. */
  private CompletionStage<FetchOutcome> merge(
      FetchKey key,
      RequestOrigin origin,
      List<ProviderRegistry.Provider> providers,
      long deadline,
      int minProviders,
      Progress progress) {
    long remaining = deadline - System.nanoTime();
    if (providers.isEmpty() || remaining < MIN_ATTEMPT_NANOS)
      return CompletableFuture.completedFuture(progress.end());
    List<CompletableFuture<ProviderActor.Outcome>> asks = new ArrayList<>();
    for (ProviderRegistry.Provider p : providers) {
      progress.attempted.add(p.name());
      asks.add(
          ask(
              p,
              key,
              origin,
              Duration.ofNanos(Math.min(p.settings().timeout().toNanos(), remaining))));
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<Object> records = new ArrayList<>();
              List<String> answered = new ArrayList<>();
              double confidence = 0;
              for (int i = 0; i < providers.size(); i++) {
                ProviderActor.Outcome outcome = asks.get(i).join();
                if (outcome instanceof ProviderActor.Fetched f) {
                  records.add(f.record());
                  answered.add(providers.get(i).name());
                  confidence = Math.max(confidence, providers.get(i).settings().confidence());
                } else {
                  ProviderError error = ((ProviderActor.Failed) outcome).error();
                  progress.errors.add(error);
                  if (error.code() == ProviderErrorCode.NOT_FOUND) progress.notFound = true;
                }
              }
              if (records.size() < minProviders) return progress.end();
              return new FetchOutcome.Fetched(
                  String.join("+", answered),
                  false,
                  Json.encode(Merging.merge(key.symbol(), records)),
                  confidence,
                  List.copyOf(progress.attempted),
                  List.copyOf(progress.errors));
            });
  }

  private CompletionStage<FetchOutcome> attempt(
      FetchKey key,
      RequestOrigin origin,
      List<ProviderRegistry.Provider> providers,
      int index,
      long deadline,
      Progress progress) {
    if (index >= providers.size()) return CompletableFuture.completedFuture(progress.end());
    ProviderRegistry.Provider provider = providers.get(index);
    long remaining = deadline - System.nanoTime();
    if (remaining < MIN_ATTEMPT_NANOS) {
      for (int i = index; i < providers.size(); i++) {
        progress.errors.add(
            new ProviderError(
                providers.get(i).name(), ProviderErrorCode.TIMEOUT, "request deadline reached"));
      }
      return CompletableFuture.completedFuture(progress.end());
    }
    long share = remaining / (providers.size() - index);
    Duration timeout = Duration.ofNanos(Math.min(provider.settings().timeout().toNanos(), share));
    progress.attempted.add(provider.name());
    return ask(provider, key, origin, timeout)
        .thenCompose(
            outcome -> {
              if (outcome instanceof ProviderActor.Fetched f) {
                return CompletableFuture.completedFuture(
                    new FetchOutcome.Fetched(
                        provider.name(),
                        !provider.name().equals(registry.planFor(key.dataset()).get(0).name()),
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
