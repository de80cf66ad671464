package io.marketgate.persistence.dlq;

import io.marketgate.protocol.FetchKey;
import java.time.Duration;

/**
 * The share of the providers' quotas that retries may use. A retry that gets no permit waits {@link
 * #retryAfter()} and asks again instead of calling.
 */
public interface RetryBudget {

  /** Takes a permit for one retry of {@code key}; false when the budget is spent for now. */
  boolean tryAcquire(FetchKey key);

  Duration retryAfter();
}
