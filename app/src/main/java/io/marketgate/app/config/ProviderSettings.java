package io.marketgate.app.config;

import com.typesafe.config.Config;
import io.marketgate.app.provider.LoopbackTrust;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One provider's settings ({@code <P>_BASE_URL}, {@code <P>_API_KEY}, {@code <P>_BACKUP_KEYS},
 * {@code <P>_TIMEOUT_SECONDS}, {@code <P>_CIRCUIT_BREAKER_THRESHOLD}, {@code
 * <P>_CIRCUIT_BREAKER_TIMEOUT}). {@link #toString()} never shows keys.
 */
public final class ProviderSettings {
  private final String name;
  private final String baseUrl;
  private final boolean configured;
  private final List<String> apiKeys;
  private final Duration timeout;
  private final int breakerThreshold;
  private final Duration breakerResetTimeout;
  private final Duration breakerMaxResetTimeout;
  private final double confidence;
  private final int rateLimitPerMinute;
  private final int dailyLimit;
  private final String simulatorPath;
  private final Config options;

  private ProviderSettings(
      String name,
      String baseUrl,
      boolean configured,
      List<String> apiKeys,
      Duration timeout,
      int breakerThreshold,
      Duration breakerResetTimeout,
      Duration breakerMaxResetTimeout,
      double confidence,
      int rateLimitPerMinute,
      int dailyLimit,
      String simulatorPath,
      Config options) {
    ConfigValues.require(rateLimitPerMinute >= 0, name + ": rate limit must not be negative");
    ConfigValues.require(dailyLimit >= 0, name + ": daily limit must not be negative");
    ConfigValues.require(!baseUrl.isBlank(), name + ": base URL is empty");
    ConfigValues.require(
        baseUrl.startsWith("http://") || baseUrl.startsWith("https://"),
        name + ": base URL must be http(s)");
    ConfigValues.require(
        !timeout.isNegative() && !timeout.isZero(), name + ": timeout must be positive");
    ConfigValues.require(
        breakerThreshold > 0, name + ": circuit breaker threshold must be positive");
    ConfigValues.require(
        !breakerResetTimeout.isNegative() && !breakerResetTimeout.isZero(),
        name + ": circuit breaker timeout must be positive");
    ConfigValues.require(
        confidence > 0 && confidence <= 1, name + ": confidence must be in (0, 1]");
    if (trustSelfSigned(options)) {
      String host = URI.create(baseUrl.trim()).getHost();
      ConfigValues.require(
          LoopbackTrust.isLoopback(host),
          name
              + ": "
              + name.toUpperCase(Locale.ROOT)
              + "_TRUST_SELF_SIGNED trusts any certificate, so it is allowed only for a "
              + "loopback base URL (localhost, 127.0.0.1, ::1), not host "
              + host);
    }
    this.name = name;
    this.baseUrl = stripTrailingSlash(baseUrl);
    this.configured = configured;
    this.apiKeys = List.copyOf(apiKeys);
    this.timeout = timeout;
    this.breakerThreshold = breakerThreshold;
    this.breakerResetTimeout = breakerResetTimeout;
    this.breakerMaxResetTimeout =
        breakerMaxResetTimeout.compareTo(breakerResetTimeout) < 0
            ? breakerResetTimeout
            : breakerMaxResetTimeout;
    this.confidence = confidence;
    this.rateLimitPerMinute = rateLimitPerMinute;
    this.dailyLimit = dailyLimit;
    this.simulatorPath = simulatorPath;
    this.options = options;
  }

  static ProviderSettings fromConfig(String name, Config p) {
    String baseUrl = p.getString("base-url").trim();
    List<String> keys = new ArrayList<>(ConfigValues.splitCommaSeparated(p.getString("api-key")));
    keys.addAll(ConfigValues.splitCommaSeparated(p.getString("backup-keys")));
    boolean configured = !baseUrl.isEmpty() || !keys.isEmpty();
    return new ProviderSettings(
        name,
        baseUrl.isEmpty() ? p.getString("default-base-url") : baseUrl,
        configured,
        keys,
        seconds(p.getDouble("timeout-seconds")),
        p.getInt("circuit-breaker.threshold"),
        seconds(p.getDouble("circuit-breaker.timeout-seconds")),
        seconds(p.getDouble("circuit-breaker.max-timeout-seconds")),
        p.getDouble("confidence"),
        p.getInt("rate-limit"),
        p.getInt("daily-limit"),
        p.getString("simulator-path"),
        p);
  }

  private static Duration seconds(double value) {
    return Duration.ofNanos(Math.round(value * 1_000_000_000L));
  }

  private static String stripTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** The same provider served by the built-in simulator at {@code simulatorBaseUrl}. */
  public ProviderSettings servedBySimulator(String simulatorBaseUrl) {
    return new ProviderSettings(
        name,
        simulatorBaseUrl + simulatorPath,
        configured,
        apiKeys.isEmpty() ? List.of("simulator-key") : apiKeys,
        timeout,
        breakerThreshold,
        breakerResetTimeout,
        breakerMaxResetTimeout,
        confidence,
        rateLimitPerMinute,
        dailyLimit,
        simulatorPath,
        options);
  }

  public String name() {
    return name;
  }

  public String baseUrl() {
    return baseUrl;
  }

  /** Whether a base URL or key of its own was given (then it is used for real, not simulated). */
  public boolean configured() {
    return configured;
  }

  public List<String> apiKeys() {
    return apiKeys;
  }

  public Duration timeout() {
    return timeout;
  }

  public int breakerThreshold() {
    return breakerThreshold;
  }

  public Duration breakerResetTimeout() {
    return breakerResetTimeout;
  }

  public Duration breakerMaxResetTimeout() {
    return breakerMaxResetTimeout;
  }

  public double confidence() {
    return confidence;
  }

  /** Requests per minute the licence allows the whole cluster; 0 when unlimited. */
  public int rateLimitPerMinute() {
    return rateLimitPerMinute;
  }

  /** Requests per day the licence allows the whole cluster; 0 when unlimited. */
  public int dailyLimit() {
    return dailyLimit;
  }

  /**
   * How long a key the provider rate-limited rests when the provider does not say ({@code
   * <P>_KEY_COOLDOWN_SECONDS}, default 60).
   */
  public Duration keyCooldown() {
    return options.hasPath("key-cooldown-seconds")
        ? seconds(options.getDouble("key-cooldown-seconds"))
        : Duration.ofSeconds(60);
  }

  /**
   * Whether HTTPS accepts a self-signed certificate ({@code <P>_TRUST_SELF_SIGNED}, e.g. the IBKR
   * Client Portal gateway's); only ever true for a loopback base URL.
   */
  public boolean trustSelfSigned() {
    return trustSelfSigned(options);
  }

  private static boolean trustSelfSigned(Config options) {
    return options.hasPath("trust-self-signed") && options.getBoolean("trust-self-signed");
  }

  /** Provider-specific durations, e.g. IBKR's {@code snapshot-poll-interval}. */
  public Duration durationOption(String path, Duration fallback) {
    return options.hasPath(path) ? options.getDuration(path) : fallback;
  }

  /** Provider-specific integer options, e.g. FMP's {@code max-batch-size}. */
  public int intOption(String path, int fallback) {
    return options.hasPath(path) ? options.getInt(path) : fallback;
  }

  /** Provider-specific options, e.g. Polygon's {@code quote-endpoint}. */
  public String option(String path, String fallback) {
    return options.hasPath(path) ? options.getString(path) : fallback;
  }

  @Override
  public String toString() {
    return "ProviderSettings[" + name + ", " + baseUrl + ", keys=" + apiKeys.size() + "]";
  }
}
