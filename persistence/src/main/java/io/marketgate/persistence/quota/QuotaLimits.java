package io.marketgate.persistence.quota;

import java.time.Duration;

/**
 * A provider licence's request limits: per minute and per day (0: none), each to hold in any
 * sliding window of that length, for the cluster as a whole.
 */
public record QuotaLimits(int perMinute, int perDay) {
  public static final Duration MINUTE = Duration.ofMinutes(1);
  public static final Duration DAY = Duration.ofDays(1);

  public QuotaLimits {
    if (perMinute < 0 || perDay < 0)
      throw new IllegalArgumentException("request limits must not be negative");
  }

  public boolean unlimited() {
    return perMinute == 0 && perDay == 0;
  }

  /**
   * Permits one lease carries: a small share of the minute's limit, so that nodes share the limit
   * closely while busy nodes ask rarely.
   */
  public int leaseSize() {
    int basis = perMinute > 0 ? perMinute / 30 : perDay / 1000;
    return Math.max(1, Math.min(20, basis));
  }
}
