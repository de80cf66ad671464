package io.marketgate.app.symbol;

import io.marketgate.protocol.ProviderError;
import java.util.List;

/** How one fetch through the plan ended. Node-local: it is piped to the entity, never sent away. */
public sealed interface FetchOutcome {

  List<String> providersAttempted();

  List<ProviderError> errors();

  /** Whether a provider was skipped because its breaker was open. */
  default boolean circuitBreakerTriggered() {
    return errors().stream()
        .anyMatch(e -> e.code() == io.marketgate.protocol.ProviderErrorCode.CIRCUIT_OPEN);
  }

  /** A provider answered; {@code fallback} when it was not the dataset's first. */
  record Fetched(
      String provider,
      boolean fallback,
      byte[] data,
      double confidence,
      List<String> providersAttempted,
      List<ProviderError> errors)
      implements FetchOutcome {}

  /** No provider had data and at least one said the symbol does not exist. */
  record NotFound(List<String> providersAttempted, List<ProviderError> errors)
      implements FetchOutcome {}

  /** No provider could answer. */
  record Failed(List<String> providersAttempted, List<ProviderError> errors)
      implements FetchOutcome {}
}
