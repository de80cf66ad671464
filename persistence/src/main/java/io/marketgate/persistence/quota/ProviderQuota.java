package io.marketgate.persistence.quota;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Permission to send one call to a provider within its licence's request limits. */
public interface ProviderQuota {

  /**
   * Completes with {@code true} when one call may be sent now, {@code false} when the limit is
   * reached (no call may be sent); never later than {@code maxWait}.
   */
  CompletionStage<Boolean> tryAcquire(Duration maxWait);

  /** A provider without limits. */
  ProviderQuota UNLIMITED = maxWait -> CompletableFuture.completedFuture(true);
}
