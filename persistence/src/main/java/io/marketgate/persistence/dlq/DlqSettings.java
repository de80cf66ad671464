package io.marketgate.persistence.dlq;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The dead-letter queue's retry schedule ({@code marketgate.dlq}) and how long it waits on an
 * entry's entity to take a command ({@code marketgate.asks.dead-letter}).
 */
public record DlqSettings(
    Duration firstRetryAfter,
    int maxRetries,
    double jitter,
    Duration breakerWait,
    Duration maxPending,
    Duration fetchBudget,
    int deliveryBuffer,
    Duration askTimeout) {

  public DlqSettings {
    if (maxRetries < 1)
      throw new IllegalArgumentException("marketgate.dlq.max-retries must be at least 1");
    if (jitter < 0 || jitter > 1)
      throw new IllegalArgumentException("marketgate.dlq.jitter must be in [0, 1]");
  }

  public static DlqSettings fromConfig(Config root) {
    Config c = root.getConfig("marketgate.dlq");
    return new DlqSettings(
        c.getDuration("first-retry-after"),
        c.getInt("max-retries"),
        c.getDouble("jitter"),
        c.getDuration("breaker-wait"),
        c.getDuration("max-pending"),
        c.getDuration("fetch-budget"),
        c.getInt("delivery-buffer"),
        root.getDuration("marketgate.asks.dead-letter"));
  }

  /**
   * The wait before retry {@code n} (1-based): first-retry-after doubled per retry, without jitter.
   */
  public Duration backoff(int n) {
    return firstRetryAfter.multipliedBy(1L << Math.max(0, n - 1));
  }
}
