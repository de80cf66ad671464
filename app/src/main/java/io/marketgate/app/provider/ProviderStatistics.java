package io.marketgate.app.provider;

import java.util.Map;
import java.util.TreeMap;

/** A provider's counters on this node, for the operations endpoints; touched only by its actor. */
final class ProviderStatistics {
  /** Calls sent. */
  long attempts;

  long successes;
  long failures;
  long planRefusals;
  long refusedByBreaker;
  long refusedByQuota;
  long refusedForKeys;
  long latencyNanosTotal;
  long latencySamples;
  long lastLatencyNanos = -1;
  String lastError;

  /** Plan refusals (NOT_ENTITLED) by what was refused. */
  final Map<String, String> entitlementRefusals = new TreeMap<>();

  void call(long latencyNanos) {
    attempts++;
    latencyNanosTotal += latencyNanos;
    latencySamples++;
    lastLatencyNanos = latencyNanos;
  }

  Double averageLatencyMillis() {
    return latencySamples == 0 ? null : latencyNanosTotal / 1e6 / latencySamples;
  }

  Double lastLatencyMillis() {
    return lastLatencyNanos < 0 ? null : lastLatencyNanos / 1e6;
  }
}
