package io.marketgate.persistence.dlq;

import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderError;
import java.util.List;

/** Where a fetch that no provider could answer is queued for retries. */
public interface DeadLetterQueue {

  /** Queues the key for retries; a key already pending folds this failure into its entry. */
  void enqueue(FetchKey key, List<ProviderError> errors);
}
