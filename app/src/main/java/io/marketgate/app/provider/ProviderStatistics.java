package io.marketgate.app.provider;

import io.marketgate.app.config.ProviderSettings;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.ProviderErrorCode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** A provider's counters on this node, for the operations endpoints; touched only by its actor. */
final class ProviderStatistics {
  /** Calls sent. */
  private long attempts;

  private long successes;
  private long failures;
  private long planRefusals;
  private long refusedByBreaker;
  private long refusedByQuota;
  private long refusedForKeys;
  private long latencyNanosTotal;
  private long lastLatencyNanos = -1;
  private String lastError;

  /** Plan refusals (NOT_ENTITLED) by what was refused. */
  private final Map<String, String> entitlementRefusals = new TreeMap<>();

  /** A call was sent and took {@code latencyNanos}. */
  void sent(long latencyNanos) {
    attempts++;
    latencyNanosTotal += latencyNanos;
    lastLatencyNanos = latencyNanos;
  }

  void refusedByBreaker() {
    refusedByBreaker++;
  }

  void refusedByQuota() {
    refusedByQuota++;
  }

  void refusedForKeys() {
    refusedForKeys++;
  }

  /**
   * How the provider answered the last call of an attempt: a success when it answered (with data,
   * or that it knows no such symbol, or with an answer our adapter failed on), a plan refusal, or a
   * failure.
   */
  void answered(ProviderOutcome outcome, String endpoint) {
    if (!(outcome instanceof ProviderOutcome.Failed f)) {
      successes++;
    } else if (f.error().code() == ProviderErrorCode.NOT_ENTITLED) {
      planRefusals++;
      entitlementRefusals.put(endpoint, f.error().message());
    } else if (f.error().code().isProviderFailure()) {
      failures++;
      lastError = f.error().code() + ": " + f.error().message();
    } else {
      successes++;
    }
  }

  /** The provider's status as the operations endpoints show it. */
  ProviderStatus status(
      ProviderSettings settings,
      boolean simulated,
      Set<Dataset> datasets,
      ProviderBreaker breaker,
      List<KeyStatus> keys) {
    return new ProviderStatus(
        settings.name(),
        simulated,
        settings.baseUrl(),
        datasets.stream().map(Dataset::wireName).sorted().toList(),
        breaker.state().label,
        breaker.notClosed().toMillis(),
        breaker.current().currentFailureCount(),
        breaker.openPeriod().toMillis(),
        attempts,
        successes,
        failures,
        refusedByBreaker,
        refusedByQuota,
        refusedForKeys,
        breaker.openEvents(),
        planRefusals,
        settings.rateLimitPerMinute(),
        settings.dailyLimit(),
        lastError,
        attempts == 0 ? null : latencyNanosTotal / 1e6 / attempts,
        lastLatencyNanos < 0 ? null : lastLatencyNanos / 1e6,
        Map.copyOf(entitlementRefusals),
        keys);
  }
}
