package io.marketgate.app.config;

import com.typesafe.config.Config;

/**
 * The share of each provider's rate limit dead-letter retries may use ({@code
 * MARKETGATE_DLQ_RETRY_BUDGET}), and the rate assumed for providers without a limit.
 */
public record RetryBudgetSettings(double share, int unlimitedRatePerMinute) {
  public RetryBudgetSettings {
    ConfigValues.require(share > 0 && share <= 1, "MARKETGATE_DLQ_RETRY_BUDGET must be in (0, 1]");
    ConfigValues.require(
        unlimitedRatePerMinute > 0, "dlq.retry-budget.unlimited-rate must be positive");
  }

  static RetryBudgetSettings fromConfig(Config c) {
    return new RetryBudgetSettings(c.getDouble("share"), c.getInt("unlimited-rate"));
  }
}
