package io.marketgate.app.symbol;

import io.marketgate.app.config.DatasetRouting;
import io.marketgate.app.json.Json;
import io.marketgate.app.provider.ProviderHandle;
import io.marketgate.app.provider.ProviderOutcome;
import io.marketgate.app.provider.ProviderPlans;
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

/**
 * Tries a dataset's providers in priority order under one {@link Deadline}. Each attempt gets at
 * most the provider's own timeout and never more than the time left divided among the providers
 * still to try, so a hanging primary leaves time for the fallbacks. The returned stage always
 * completes by the deadline.
 */
public final class FetchPlan {
  /** Below this much remaining time an attempt is not started: it could not finish. */
  private static final Duration MIN_ATTEMPT = Duration.ofMillis(5);

  private final ProviderPlans plans;

  public FetchPlan(ProviderPlans plans) {
    this.plans = plans;
  }

  public ProviderPlans plans() {
    return plans;
  }

  public CompletionStage<FetchOutcome> run(FetchKey key, Deadline deadline, RequestOrigin origin) {
    return run(key, deadline, origin, Set.of(), List.of(), List.of());
  }

  /**
   * Runs the plan without the providers in {@code skip}, which were already tried (as by a batch
   * call) with the given result: they are reported as attempted with their errors.
   */
  public CompletionStage<FetchOutcome> run(
      FetchKey key,
      Deadline deadline,
      RequestOrigin origin,
      Set<String> skip,
      List<String> attempted,
      List<ProviderError> errors) {
    List<ProviderHandle> providers =
        plans.planFor(key.dataset()).stream().filter(p -> !skip.contains(p.name())).toList();
    Progress progress = new Progress(attempted, errors);
    DatasetRouting routing = plans.routingOf(key.dataset());
    if (routing.mode() == DatasetRouting.Mode.MERGE) {
      return merge(key, origin, providers, deadline, routing.minProviders(), progress);
    }
    return attempt(key, origin, providers, 0, deadline, progress);
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

    void failed(ProviderError error) {
      errors.add(error);
      if (error.code() == ProviderErrorCode.NOT_FOUND) notFound = true;
    }

    FetchOutcome end() {
      List<String> a = List.copyOf(attempted);
      List<ProviderError> e = List.copyOf(errors);
      return notFound ? new FetchOutcome.NotFound(a, e) : new FetchOutcome.Failed(a, e);
    }
  }

  /** Every provider at once, each within its own timeout and the deadline; their answers merged. */
  private CompletionStage<FetchOutcome> merge(
      FetchKey key,
      RequestOrigin origin,
      List<ProviderHandle> providers,
      Deadline deadline,
      int minProviders,
      Progress progress) {
    if (providers.isEmpty() || deadline.remaining().compareTo(MIN_ATTEMPT) < 0)
      return CompletableFuture.completedFuture(progress.end());
    List<CompletableFuture<ProviderOutcome>> asks = new ArrayList<>();
    for (ProviderHandle p : providers) {
      progress.attempted.add(p.name());
      asks.add(p.fetch(key, deadline.attempt(p.timeout(), 1), origin).toCompletableFuture());
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<Object> records = new ArrayList<>();
              List<String> answered = new ArrayList<>();
              double confidence = 0;
              for (int i = 0; i < providers.size(); i++) {
                ProviderOutcome outcome = asks.get(i).join();
                if (outcome instanceof ProviderOutcome.Fetched f) {
                  records.add(f.record());
                  answered.add(providers.get(i).name());
                  confidence = Math.max(confidence, providers.get(i).confidence());
                } else {
                  progress.failed(((ProviderOutcome.Failed) outcome).error());
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
      List<ProviderHandle> providers,
      int index,
      Deadline deadline,
      Progress progress) {
    if (index >= providers.size()) return CompletableFuture.completedFuture(progress.end());
    ProviderHandle provider = providers.get(index);
    if (deadline.remaining().compareTo(MIN_ATTEMPT) < 0) {
      for (int i = index; i < providers.size(); i++) {
        progress.errors.add(
            new ProviderError(
                providers.get(i).name(), ProviderErrorCode.TIMEOUT, "request deadline reached"));
      }
      return CompletableFuture.completedFuture(progress.end());
    }
    Duration timeout = deadline.attempt(provider.timeout(), providers.size() - index);
    progress.attempted.add(provider.name());
    return provider
        .fetch(key, timeout, origin)
        .thenCompose(
            outcome -> {
              if (outcome instanceof ProviderOutcome.Fetched f) {
                return CompletableFuture.completedFuture(
                    new FetchOutcome.Fetched(
                        provider.name(),
                        !plans.isPrimary(key.dataset(), provider.name()),
                        f.data(),
                        provider.confidence(),
                        List.copyOf(progress.attempted),
                        List.copyOf(progress.errors)));
              }
              progress.failed(((ProviderOutcome.Failed) outcome).error());
              return attempt(key, origin, providers, index + 1, deadline, progress);
            });
  }
}
