package io.marketgate.app.testkit;

import com.typesafe.config.ConfigFactory;
import io.marketgate.app.sim.ProviderSimulator;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/**
 * One provider simulator in its own actor system, shared by several nodes so that call counts and
 * faults are cluster-wide (a simulator per node would split the call counts).
 */
public final class SharedSimulator implements AutoCloseable {
  private final ActorTestKit testKit;
  private final ProviderSimulator simulator;

  private SharedSimulator(ActorTestKit testKit, ProviderSimulator simulator) {
    this.testKit = testKit;
    this.simulator = simulator;
  }

  public static SharedSimulator start() {
    ActorTestKit kit =
        ActorTestKit.create(
            "Simulator",
            ConfigFactory.parseString(
                    "pekko.actor.provider = local\npekko.http.server.backlog = 1024")
                .withFallback(ConfigFactory.load()));
    try {
      return new SharedSimulator(
          kit,
          ProviderSimulator.start(kit.system(), "127.0.0.1", 0)
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS));
    } catch (Exception e) {
      kit.shutdownTestKit();
      throw new IllegalStateException("simulator did not start", e);
    }
  }

  /** HOCON that points a node's providers at this simulator instead of a built-in one. */
  public String providerConfig() {
    String base = simulator.baseUrl();
    return String.join(
        "\n",
        "marketgate.simulator.mode = off",
        "marketgate.providers.fmp.base-url = \"" + base + "/fmp/stable\"",
        "marketgate.providers.fmp.api-key = \"test-fmp-key\"",
        "marketgate.providers.polygon.base-url = \"" + base + "/polygon\"",
        "marketgate.providers.polygon.api-key = \"test-polygon-key\"",
        "marketgate.providers.fred.base-url = \"" + base + "/fred\"",
        "marketgate.providers.fred.api-key = \"test-fred-key\"",
        "marketgate.providers.newsapi.base-url = \"" + base + "/newsapi/v2\"",
        "marketgate.providers.newsapi.api-key = \"test-news-key\"",
        "marketgate.streams.polygon.url = \"" + simulator.polygonStreams().url(base) + "\"",
        "marketgate.streams.polygon.api-key = \"test-polygon-stream-key\"");
  }

  /** The same as environment variables, for a gateway in a separate process. */
  public java.util.Map<String, String> providerEnvironment() {
    String base = simulator.baseUrl();
    return java.util.Map.ofEntries(
        java.util.Map.entry("MARKETGATE_SIMULATOR", "off"),
        java.util.Map.entry("FMP_BASE_URL", base + "/fmp/stable"),
        java.util.Map.entry("FMP_API_KEY", "test-fmp-key"),
        java.util.Map.entry("POLYGON_BASE_URL", base + "/polygon"),
        java.util.Map.entry("POLYGON_API_KEY", "test-polygon-key"),
        java.util.Map.entry("FRED_BASE_URL", base + "/fred"),
        java.util.Map.entry("FRED_API_KEY", "test-fred-key"),
        java.util.Map.entry("NEWS_BASE_URL", base + "/newsapi/v2"),
        java.util.Map.entry("NEWS_API_KEY", "test-news-key"),
        java.util.Map.entry("POLYGON_WS_URL", simulator.polygonStreams().url(base)),
        java.util.Map.entry("POLYGON_STREAM_API_KEY", "test-polygon-stream-key"));
  }

  public ProviderSimulator simulator() {
    return simulator;
  }

  @Override
  public void close() {
    testKit.shutdownTestKit();
  }
}
