package io.marketgate.app.provider;

import io.marketgate.app.config.DatasetRouting;
import io.marketgate.protocol.Dataset;
import java.util.List;

/** Which providers serve each dataset on this node, in priority order, and how they combine. */
public interface ProviderPlans {
  /** The providers a dataset tries, in order; empty when none serves it. */
  List<ProviderHandle> planFor(Dataset dataset);

  DatasetRouting routingOf(Dataset dataset);

  default boolean serves(Dataset dataset) {
    return !planFor(dataset).isEmpty();
  }

  /** Whether {@code provider} is the first a dataset asks (its answers are not fallbacks). */
  default boolean isPrimary(Dataset dataset, String provider) {
    List<ProviderHandle> plan = planFor(dataset);
    return !plan.isEmpty() && plan.get(0).name().equals(provider);
  }
}
