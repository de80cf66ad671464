package io.marketgate.app.config;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.marketgate.protocol.Dataset;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every MARKETGATE_* and provider variable of the README's configuration tables reaches the
 * settings it names.
 */
class GatewaySettingsTest {

  /**
   * The shipped application.conf with {@code env} as if those were environment variables: a {@code
   * ${?NAME}} substitution finds them at the root of the config before the real environment.
   */
  private static Config withEnv(Map<String, String> env) {
    return ConfigFactory.parseMap(env)
        .withFallback(ConfigFactory.parseResources("application.conf"))
        .resolve();
  }

  private static GatewaySettings settings(Map<String, String> env) {
    return GatewaySettings.fromConfig(withEnv(env));
  }

  @Test
  void defaultsAreTheEmbeddedSingleNode() {
    GatewaySettings s = settings(Map.of());
    assertEquals("127.0.0.1", s.httpHost());
    assertEquals(8080, s.httpPort());
    assertEquals(9095, s.metricsPort());
    assertEquals(Discovery.SELF, s.discovery());
    assertEquals(Duration.ofSeconds(3), s.requestDeadline());
    assertEquals(Duration.ofMinutes(5), s.cache().maxAge(Dataset.QUOTE));
    assertEquals(Duration.ofHours(24), s.cache().maxAge(Dataset.COMPANY));
    assertEquals(Duration.ofMinutes(1), s.cache().maxAge(Dataset.OPTIONS_FLOW));
    assertTrue(s.simulatorEnabled(), "no provider configured: the simulator serves");
    assertEquals(
        List.of("fmp", "polygon", "tiingo", "alphavantage", "ibkr"), s.providersFor(Dataset.QUOTE));
    ProviderSettings fmp = s.providers().get("fmp");
    assertEquals("https://financialmodelingprep.com/stable", fmp.baseUrl());
    assertEquals(3, fmp.breaker().threshold());
    assertEquals(Duration.ofSeconds(5), fmp.breaker().probeInterval());
    assertEquals(Duration.ofSeconds(60), fmp.breaker().maxOpen());
    assertEquals(Duration.ofMillis(1500), fmp.timeout());
    assertEquals("https://api.polygon.io", s.providers().get("polygon").baseUrl());
    assertEquals(17355, withEnv(Map.of()).getInt("pekko.remote.artery.canonical.port"));
    assertEquals(7626, withEnv(Map.of()).getInt("pekko.management.http.port"));
  }

  @Test
  void environmentVariablesOverrideEverySetting() {
    GatewaySettings s =
        settings(
            Map.ofEntries(
                Map.entry("MARKETGATE_HTTP_HOST", "0.0.0.0"),
                Map.entry("MARKETGATE_HTTP_PORT", "8181"),
                Map.entry("MARKETGATE_METRICS_PORT", "9191"),
                Map.entry("MARKETGATE_DATA_DIR", "/var/lib/marketgate"),
                Map.entry("MARKETGATE_SEED_NODES", "10.0.0.1:17355, 10.0.0.2:17355"),
                Map.entry("MARKETGATE_CACHE_TTL_QUOTE", "2s"),
                Map.entry("MARKETGATE_CACHE_TTL_NEWS", "90s"),
                Map.entry("MARKETGATE_REQUEST_DEADLINE", "5s"),
                Map.entry("MARKETGATE_REQUEST_REACH_TIMEOUT", "800ms"),
                Map.entry("MARKETGATE_SIMULATOR", "off"),
                Map.entry("FMP_API_KEY", "key-one-abcd,key-two-efgh"),
                Map.entry("FMP_BACKUP_KEYS", "key-three-ijkl"),
                Map.entry("FMP_BASE_URL", "https://financialmodelingprep.com/api/v3/"),
                Map.entry("FMP_TIMEOUT_SECONDS", "2.5"),
                Map.entry("FMP_CIRCUIT_BREAKER_THRESHOLD", "5"),
                Map.entry("FMP_CIRCUIT_BREAKER_TIMEOUT", "30"),
                Map.entry("FMP_CIRCUIT_BREAKER_PROBE_INTERVAL", "2"),
                Map.entry("POLYGON_BASE_URL", "https://api.massive.com")));
    assertEquals("0.0.0.0", s.httpHost());
    assertEquals(8181, s.httpPort());
    assertEquals(9191, s.metricsPort());
    assertEquals(java.nio.file.Path.of("/var/lib/marketgate"), s.dataDir());
    assertEquals(Discovery.SEEDS, s.discovery(), "seed nodes given: seeds is the default");
    assertEquals(
        List.of(new HostPort("10.0.0.1", 17355), new HostPort("10.0.0.2", 17355)), s.seedNodes());
    assertEquals(Duration.ofSeconds(2), s.cache().maxAge(Dataset.QUOTE));
    assertEquals(Duration.ofSeconds(90), s.cache().maxAge(Dataset.NEWS));
    assertEquals(Duration.ofSeconds(5), s.requestDeadline());
    assertEquals(Duration.ofMillis(800), s.reachTimeout());
    assertFalse(s.simulatorEnabled());
    ProviderSettings fmp = s.providers().get("fmp");
    assertTrue(fmp.configured());
    assertEquals("https://financialmodelingprep.com/api/v3", fmp.baseUrl());
    assertEquals(List.of("key-one-abcd", "key-two-efgh", "key-three-ijkl"), fmp.apiKeys());
    assertEquals(Duration.ofMillis(2500), fmp.timeout());
    assertEquals(5, fmp.breaker().threshold());
    assertEquals(Duration.ofSeconds(2), fmp.breaker().probeInterval());
    assertEquals(Duration.ofSeconds(30), fmp.breaker().maxOpen());
    assertEquals("https://api.massive.com", s.providers().get("polygon").baseUrl());
    assertFalse(fmp.toString().contains("key-one"), "settings never print keys");
  }

  @Test
  void theClusterTimingsAreShortByDefaultAndComeFromTheEnvironment() {
    Config defaults = withEnv(Map.of());
    assertEquals(
        Duration.ofSeconds(2),
        defaults.getDuration("pekko.cluster.failure-detector.acceptable-heartbeat-pause"));
    assertEquals(
        Duration.ofSeconds(3),
        defaults.getDuration("pekko.cluster.split-brain-resolver.stable-after"));
    assertEquals(Duration.ofSeconds(1), defaults.getDuration("pekko.cluster.down-removal-margin"));
    Config safer =
        withEnv(
            Map.of(
                "MARKETGATE_HEARTBEAT_PAUSE", "5s",
                "MARKETGATE_SBR_STABLE_AFTER", "7s",
                "MARKETGATE_DOWN_REMOVAL_MARGIN", "7s"));
    assertEquals(
        Duration.ofSeconds(5),
        safer.getDuration("pekko.cluster.failure-detector.acceptable-heartbeat-pause"));
    assertEquals(
        Duration.ofSeconds(7),
        safer.getDuration("pekko.cluster.split-brain-resolver.stable-after"));
    assertEquals(Duration.ofSeconds(7), safer.getDuration("pekko.cluster.down-removal-margin"));
  }

  @Test
  void aReachTimeoutThatLeavesNoTimeToFetchAndABreakerCapBelowItsProbeAreRefused() {
    IllegalArgumentException reach =
        assertThrows(
            IllegalArgumentException.class,
            () -> settings(Map.of("MARKETGATE_REQUEST_REACH_TIMEOUT", "2s")));
    assertTrue(reach.getMessage().contains("MARKETGATE_REQUEST_REACH_TIMEOUT"), reach.getMessage());
    IllegalArgumentException cap =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                settings(
                    Map.of(
                        "FMP_CIRCUIT_BREAKER_PROBE_INTERVAL", "10",
                        "FMP_CIRCUIT_BREAKER_TIMEOUT", "5")));
    assertTrue(cap.getMessage().contains("CIRCUIT_BREAKER_TIMEOUT"), cap.getMessage());
  }

  @Test
  void remotingAndManagementPortsComeFromTheEnvironment() {
    Config c =
        withEnv(
            Map.of(
                "MARKETGATE_REMOTE_HOST",
                "10.1.2.3",
                "MARKETGATE_REMOTE_PORT",
                "25520",
                "MARKETGATE_MANAGEMENT_PORT",
                "8558"));
    assertEquals("10.1.2.3", c.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals(25520, c.getInt("pekko.remote.artery.canonical.port"));
    assertEquals(8558, c.getInt("pekko.management.http.port"));
  }

  @Test
  void aConfiguredProviderTurnsTheAutomaticSimulatorOff() {
    assertFalse(settings(Map.of("POLYGON_API_KEY", "real-key-123456")).simulatorEnabled());
    assertTrue(
        settings(Map.of("POLYGON_API_KEY", "real-key-123456", "MARKETGATE_SIMULATOR", "on"))
            .simulatorEnabled());
  }

  @Test
  void badValuesAreRejectedWithTheVariableName() {
    var discovery =
        assertThrows(
            IllegalArgumentException.class, () -> settings(Map.of("MARKETGATE_DISCOVERY", "dns")));
    assertTrue(discovery.getMessage().contains("MARKETGATE_DISCOVERY"));
    var seeds =
        assertThrows(
            IllegalArgumentException.class,
            () -> settings(Map.of("MARKETGATE_DISCOVERY", "seeds")));
    assertTrue(seeds.getMessage().contains("MARKETGATE_SEED_NODES"));
    var sim =
        assertThrows(
            IllegalArgumentException.class,
            () -> settings(Map.of("MARKETGATE_SIMULATOR", "maybe")));
    assertTrue(sim.getMessage().contains("MARKETGATE_SIMULATOR"));
    assertThrows(
        IllegalArgumentException.class,
        () -> settings(Map.of("MARKETGATE_SEED_NODES", "nohostport")));
    assertThrows(
        IllegalArgumentException.class,
        () -> settings(Map.of("FMP_CIRCUIT_BREAKER_THRESHOLD", "0")));
    assertThrows(
        IllegalArgumentException.class,
        () -> settings(Map.of("FMP_BASE_URL", "ftp://example.com")));
    assertThrows(
        IllegalArgumentException.class,
        () -> settings(Map.of("MARKETGATE_PROVIDERS_QUOTE", "fmp,nobody")));
  }
}
