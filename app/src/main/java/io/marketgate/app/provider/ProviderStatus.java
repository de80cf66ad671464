package io.marketgate.app.provider;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/** One node's view of a running provider, for the operations endpoints. Keys appear masked only. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ProviderStatus(
    String name,
    boolean simulated,
    String baseUrl,
    List<String> datasets,
    String circuitState,
    long notClosedMs,
    int failureCount,
    long resetTimeoutMs,
    long attempts,
    long successes,
    long failures,
    long callsRefusedByBreaker,
    long callsRefusedByQuota,
    long callsRefusedForKeys,
    long circuitOpenEvents,
    long planRefusals,
    int rateLimitPerMinute,
    int dailyLimit,
    String lastError,
    Double latencyMsAverage,
    Double latencyMsLast,
    Map<String, String> entitlementRefusals,
    List<KeyStatus> keys) {

  /**
   * {@code ****abcd}: the last 4 characters of keys of 8 or more characters, nothing of shorter
   * ones.
   */
  public static String maskKey(String key) {
    return key.length() >= 8 ? "****" + key.substring(key.length() - 4) : "****";
  }
}
