package io.marketgate.app.symbol;

import io.marketgate.app.config.DatasetRouting;
import io.marketgate.app.provider.BatchOutcome;
import io.marketgate.app.provider.ProviderHandle;
import io.marketgate.app.provider.ProviderOutcome;
import io.marketgate.app.provider.ProviderPlans;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.RequestOrigin;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A quote provider whose answers the test decides, recording the timeout of each attempt. */
final class PlayedProvider implements ProviderHandle {
  final String name;
  final Duration timeout;
  final Function<Duration, CompletionStage<ProviderOutcome>> answer;
  final List<Duration> given = new CopyOnWriteArrayList<>();

  PlayedProvider(
      String name, Duration timeout, Function<Duration, CompletionStage<ProviderOutcome>> answer) {
    this.name = name;
    this.timeout = timeout;
    this.answer = answer;
  }

  /** A fetch plan that asks {@code providers} in order, for every dataset. */
  static FetchPlan plan(ProviderHandle... providers) {
    return new FetchPlan(
        new ProviderPlans() {
          @Override
          public List<ProviderHandle> planFor(Dataset dataset) {
            return List.of(providers);
          }

          @Override
          public DatasetRouting routingOf(Dataset dataset) {
            return DatasetRouting.NONE;
          }
        });
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Duration timeout() {
    return timeout;
  }

  @Override
  public double confidence() {
    return 0.9;
  }

  @Override
  public Set<Dataset> datasets() {
    return Set.of(Dataset.QUOTE);
  }

  @Override
  public int maxBatchSize() {
    return 0;
  }

  @Override
  public CompletionStage<ProviderOutcome> fetch(FetchKey key, Duration t, RequestOrigin origin) {
    given.add(t);
    return answer.apply(t);
  }

  @Override
  public CompletionStage<BatchOutcome> fetchBatch(
      List<FetchKey> keys, Duration t, RequestOrigin origin) {
    throw new UnsupportedOperationException();
  }
}
