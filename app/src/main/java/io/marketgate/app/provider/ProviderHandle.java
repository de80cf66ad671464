package io.marketgate.app.provider;

import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.RequestOrigin;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * One provider as fetches use it: what it serves and how to ask it, without its actor's messages.
 * Every stage completes, with a {@link ProviderOutcome.Failed} when the provider actor did not
 * answer in time.
 */
public interface ProviderHandle {
  String name();

  /** Its own per-attempt timeout ({@code <P>_TIMEOUT_SECONDS}). */
  Duration timeout();

  /** The confidence of its answers. */
  double confidence();

  Set<Dataset> datasets();

  /** Symbols per multi-symbol quote call; 0 when it has no such call. */
  int maxBatchSize();

  CompletionStage<ProviderOutcome> fetch(FetchKey key, Duration timeout, RequestOrigin origin);

  /** Quotes of {@code keys} in one multi-symbol call (at most {@link #maxBatchSize()} keys). */
  CompletionStage<BatchOutcome> fetchBatch(
      List<FetchKey> keys, Duration timeout, RequestOrigin origin);
}
