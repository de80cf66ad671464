package io.marketgate.app.config;

import com.typesafe.config.Config;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One provider's settings ({@code <P>_BASE_URL}, {@code <P>_API_KEY}, {@code <P>_BACKUP_KEYS},
 * {@code <P>_TIMEOUT_SECONDS}, {@code <P>_CIRCUIT_BREAKER_*}, {@code <P>_RATE_LIMIT}, …), read once
 * from {@code marketgate.providers.<name>} in application.conf, which holds every default. {@link
 * #toString()} never shows keys.
 *
 * @param configured whether a base URL or key of its own was given (then it is used for real, not
 *     simulated)
 * @param rateLimitPerMinute requests per minute the licence allows the whole cluster; 0: unlimited
 * @param dailyLimit requests per day the licence allows the whole cluster; 0: unlimited
 * @param keyCooldown how long a key the provider rate-limited rests when the provider does not say
 */
public record ProviderSettings(
    String name,
    String baseUrl,
    boolean configured,
    List<String> apiKeys,
    Duration timeout,
    Breaker breaker,
    double confidence,
    int rateLimitPerMinute,
    int dailyLimit,
    Duration keyCooldown,
    String simulatorPath,
    AdapterOptions adapter) {

  /**
   * The circuit breaker: {@code threshold} consecutive failures open it; after {@code
   * probeInterval} one trial call may go; each failed trial doubles the open period, up to {@code
   * maxOpen} ({@code <P>_CIRCUIT_BREAKER_TIMEOUT}).
   */
  public record Breaker(int threshold, Duration probeInterval, Duration maxOpen) {
    public Breaker {
      ConfigValues.require(threshold > 0, "circuit breaker threshold must be positive");
      ConfigValues.require(
          !probeInterval.isNegative() && !probeInterval.isZero(),
          "circuit breaker probe interval must be positive");
      ConfigValues.require(
          maxOpen.compareTo(probeInterval) >= 0,
          "<P>_CIRCUIT_BREAKER_TIMEOUT (the longest open period) must not be below"
              + " <P>_CIRCUIT_BREAKER_PROBE_INTERVAL");
    }
  }

  /**
   * Options only some adapters have, as application.conf gives them; an option a provider does not
   * have is 0, null or false.
   *
   * @param maxBatchSize symbols per multi-symbol quote call (FMP, Tiingo)
   * @param quoteEndpoint which endpoint answers quotes (Polygon, Alpha Vantage, Tiingo)
   * @param endpoint NewsAPI's {@code everything} or {@code top-headlines}
   * @param snapshotPollInterval how soon IBKR's snapshot is asked again while it fills
   * @param trustSelfSigned whether HTTPS accepts a self-signed certificate (IBKR's local gateway);
   *     only ever true for a loopback base URL
   */
  public record AdapterOptions(
      int maxBatchSize,
      String quoteEndpoint,
      String endpoint,
      Duration snapshotPollInterval,
      boolean trustSelfSigned) {

    static AdapterOptions fromConfig(Config p) {
      return new AdapterOptions(
          p.hasPath("max-batch-size") ? p.getInt("max-batch-size") : 0,
          p.hasPath("quote-endpoint") ? p.getString("quote-endpoint") : null,
          p.hasPath("endpoint") ? p.getString("endpoint") : null,
          p.hasPath("snapshot-poll-interval") ? p.getDuration("snapshot-poll-interval") : null,
          p.hasPath("trust-self-signed") && p.getBoolean("trust-self-signed"));
    }
  }

  public ProviderSettings {
    String prefix = name + ": ";
    ConfigValues.require(rateLimitPerMinute >= 0, prefix + "rate limit must not be negative");
    ConfigValues.require(dailyLimit >= 0, prefix + "daily limit must not be negative");
    ConfigValues.require(!baseUrl.isBlank(), prefix + "base URL is empty");
    ConfigValues.require(
        baseUrl.startsWith("http://") || baseUrl.startsWith("https://"),
        prefix + "base URL must be http(s)");
    ConfigValues.require(
        !timeout.isNegative() && !timeout.isZero(), prefix + "timeout must be positive");
    ConfigValues.require(
        confidence > 0 && confidence <= 1, prefix + "confidence must be in (0, 1]");
    if (adapter.trustSelfSigned()) {
      String host = URI.create(baseUrl.trim()).getHost();
      ConfigValues.require(
          HostNames.isLoopback(host),
          prefix
              + name.toUpperCase(Locale.ROOT)
              + "_TRUST_SELF_SIGNED trusts any certificate, so it is allowed only for a "
              + "loopback base URL (localhost, 127.0.0.1, ::1), not host "
              + host);
    }
    baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    apiKeys = List.copyOf(apiKeys);
  }

  static ProviderSettings fromConfig(String name, Config p) {
    String baseUrl = p.getString("base-url").trim();
    List<String> keys = new ArrayList<>(ConfigValues.splitCommaSeparated(p.getString("api-key")));
    keys.addAll(ConfigValues.splitCommaSeparated(p.getString("backup-keys")));
    return new ProviderSettings(
        name,
        baseUrl.isEmpty() ? p.getString("default-base-url") : baseUrl,
        !baseUrl.isEmpty() || !keys.isEmpty(),
        keys,
        seconds(p.getDouble("timeout-seconds")),
        new Breaker(
            p.getInt("circuit-breaker.threshold"),
            seconds(p.getDouble("circuit-breaker.probe-interval-seconds")),
            seconds(p.getDouble("circuit-breaker.timeout-seconds"))),
        p.getDouble("confidence"),
        p.getInt("rate-limit"),
        p.getInt("daily-limit"),
        seconds(p.getDouble("key-cooldown-seconds")),
        p.getString("simulator-path"),
        AdapterOptions.fromConfig(p));
  }

  private static Duration seconds(double value) {
    return Duration.ofNanos(Math.round(value * 1_000_000_000L));
  }

  /** The same provider served by the built-in simulator at {@code simulatorBaseUrl}. */
  public ProviderSettings servedBySimulator(String simulatorBaseUrl) {
    return new ProviderSettings(
        name,
        simulatorBaseUrl + simulatorPath,
        configured,
        apiKeys.isEmpty() ? List.of("simulator-key") : apiKeys,
        timeout,
        breaker,
        confidence,
        rateLimitPerMinute,
        dailyLimit,
        keyCooldown,
        simulatorPath,
        adapter);
  }

  @Override
  public String toString() {
    return "ProviderSettings[" + name + ", " + baseUrl + ", keys=" + apiKeys.size() + "]";
  }
}
