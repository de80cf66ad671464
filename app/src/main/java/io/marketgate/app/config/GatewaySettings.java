package io.marketgate.app.config;

import com.typesafe.config.Config;
import io.marketgate.protocol.Dataset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Everything a node reads from the {@code marketgate} config block, read once and validated. */
public record GatewaySettings(
    String httpHost,
    int httpPort,
    String metricsHost,
    int metricsPort,
    Path dataDir,
    Discovery discovery,
    List<HostPort> seedNodes,
    Duration requestDeadline,
    Duration replyMargin,
    Duration fallbackReserve,
    Duration reachTimeout,
    CacheSettings cache,
    SimulatorSettings simulator,
    Map<Dataset, DatasetRouting> routing,
    Map<String, ProviderSettings> providers,
    ProviderHttpSettings providerHttp,
    RetryBudgetSettings retryBudget,
    AskTimeouts asks,
    Duration shutdownDrain) {

  public GatewaySettings {
    ConfigValues.require(
        !shutdownDrain.isNegative() && shutdownDrain.compareTo(Duration.ofSeconds(55)) <= 0,
        "MARKETGATE_SHUTDOWN_DRAIN must be between 0s and 55s");
    ConfigValues.require(httpPort >= 0 && httpPort < 65536, "MARKETGATE_HTTP_PORT out of range");
    ConfigValues.require(
        metricsPort >= 0 && metricsPort < 65536, "MARKETGATE_METRICS_PORT out of range");
    ConfigValues.require(
        requestDeadline.compareTo(replyMargin.plus(fallbackReserve).multipliedBy(2)) > 0,
        "MARKETGATE_REQUEST_DEADLINE must be well above the reply margin and fallback reserve");
    ConfigValues.require(
        !reachTimeout.isNegative()
            && !reachTimeout.isZero()
            && reachTimeout.compareTo(requestDeadline.minus(fallbackReserve).dividedBy(2)) <= 0,
        "MARKETGATE_REQUEST_REACH_TIMEOUT must be positive and at most half of what the deadline"
            + " leaves after the fallback reserve (the rest is for the node's own fetch)");
    ConfigValues.require(
        discovery != Discovery.SEEDS || !seedNodes.isEmpty(),
        "MARKETGATE_DISCOVERY=seeds needs MARKETGATE_SEED_NODES");
    routing = Map.copyOf(routing);
    providers = Map.copyOf(providers);
    seedNodes = List.copyOf(seedNodes);
    for (var route : routing.entrySet()) {
      for (String provider : route.getValue().providers()) {
        ConfigValues.require(
            providers.containsKey(provider),
            "dataset " + route.getKey().wireName() + " names unknown provider '" + provider + "'");
      }
    }
  }

  public static GatewaySettings fromConfig(Config root) {
    Config mg = root.getConfig("marketgate");
    List<HostPort> seeds =
        ConfigValues.splitCommaSeparated(mg.getString("cluster.seed-nodes")).stream()
            .map(HostPort::parse)
            .toList();
    Map<Dataset, DatasetRouting> routing = new EnumMap<>(Dataset.class);
    Config datasets = mg.getConfig("datasets");
    for (Dataset d : Dataset.values()) {
      if (datasets.hasPath(d.wireName())) {
        routing.put(d, DatasetRouting.fromConfig(datasets, d.wireName()));
      }
    }
    Map<String, ProviderSettings> providers = new LinkedHashMap<>();
    Config providerBlock = mg.getConfig("providers");
    for (String name : providerBlock.root().keySet()) {
      providers.put(name, ProviderSettings.fromConfig(name, providerBlock.getConfig(name)));
    }
    return new GatewaySettings(
        mg.getString("http.host"),
        mg.getInt("http.port"),
        mg.getString("metrics.host"),
        mg.getInt("metrics.port"),
        Path.of(mg.getString("data-dir")),
        Discovery.parse(mg.getString("cluster.discovery"), !seeds.isEmpty()),
        seeds,
        mg.getDuration("request.deadline"),
        mg.getDuration("request.reply-margin"),
        mg.getDuration("request.fallback-reserve"),
        mg.getDuration("request.reach-timeout"),
        CacheSettings.fromConfig(mg.getConfig("cache")),
        SimulatorSettings.fromConfig(mg.getConfig("simulator")),
        routing,
        providers,
        ProviderHttpSettings.fromConfig(mg.getConfig("provider-http")),
        RetryBudgetSettings.fromConfig(mg.getConfig("dlq.retry-budget")),
        AskTimeouts.fromConfig(mg.getConfig("asks")),
        mg.getDuration("shutdown.drain"));
  }

  /** Whether the built-in simulator runs: forced on/off, or on when no provider is configured. */
  public boolean simulatorEnabled() {
    return switch (simulator.mode()) {
      case ON -> true;
      case OFF -> false;
      case AUTO -> providers.values().stream().noneMatch(ProviderSettings::configured);
    };
  }

  /** Providers in the order a dataset tries them; empty when the dataset is not served. */
  public List<String> providersFor(Dataset dataset) {
    return routingOf(dataset).providers();
  }

  public DatasetRouting routingOf(Dataset dataset) {
    return routing.getOrDefault(dataset, DatasetRouting.NONE);
  }

  /** These settings with every provider replaced as {@code change} says. */
  public GatewaySettings withProviders(UnaryOperator<ProviderSettings> change) {
    Map<String, ProviderSettings> changed = new LinkedHashMap<>();
    providers.forEach((name, p) -> changed.put(name, change.apply(p)));
    return new GatewaySettings(
        httpHost,
        httpPort,
        metricsHost,
        metricsPort,
        dataDir,
        discovery,
        seedNodes,
        requestDeadline,
        replyMargin,
        fallbackReserve,
        reachTimeout,
        cache,
        simulator,
        routing,
        changed,
        providerHttp,
        retryBudget,
        asks,
        shutdownDrain);
  }
}
