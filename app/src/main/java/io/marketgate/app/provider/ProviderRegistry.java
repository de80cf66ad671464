package io.marketgate.app.provider;

import io.marketgate.app.concurrent.Spawner;
import io.marketgate.app.config.DatasetRouting;
import io.marketgate.app.config.GatewaySettings;
import io.marketgate.app.config.ProviderSettings;
import io.marketgate.app.metrics.Metrics;
import io.marketgate.app.provider.alphavantage.AlphaVantageAdapter;
import io.marketgate.app.provider.fmp.FmpAdapter;
import io.marketgate.app.provider.fred.FredAdapter;
import io.marketgate.app.provider.ibkr.IbkrAdapter;
import io.marketgate.app.provider.newsapi.NewsApiAdapter;
import io.marketgate.app.provider.polygon.PolygonAdapter;
import io.marketgate.app.provider.tiingo.TiingoAdapter;
import io.marketgate.persistence.audit.AuditTrail;
import io.marketgate.persistence.quota.ProviderQuota;
import io.marketgate.protocol.Dataset;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.pubsub.Topic;

/** This node's provider actors, and which of them serve each dataset in priority order. */
public final class ProviderRegistry {

  /** A running provider: its actor, the settings it was started with, and its adapter. */
  public record Provider(
      String name,
      ActorRef<ProviderActor.Command> ref,
      ProviderSettings settings,
      Set<Dataset> datasets,
      ProviderAdapter adapter) {

    /** Its multi-symbol quote call, when it has one. */
    public Optional<BatchQuotes> batchQuotes() {
      return adapter instanceof BatchQuotes b ? Optional.of(b) : Optional.empty();
    }
  }

  /** The adapter for each known provider name. */
  private static final Map<String, Function<ProviderSettings, ProviderAdapter>> ADAPTERS =
      Map.of(
          "fmp", s -> new FmpAdapter(s.baseUrl(), s.intOption("max-batch-size", 50)),
          "polygon",
              s ->
                  new PolygonAdapter(
                      PolygonAdapter.parseQuoteEndpoint(s.option("quote-endpoint", "prev"))),
          "fred", s -> new FredAdapter(),
          "ibkr",
              s ->
                  new IbkrAdapter(
                      s.durationOption("snapshot-poll-interval", Duration.ofMillis(200))),
          "newsapi",
              s ->
                  new NewsApiAdapter(
                      NewsApiAdapter.parseEndpoint(s.option("endpoint", "everything"))),
          "tiingo",
              s ->
                  new TiingoAdapter(
                      TiingoAdapter.parseQuoteEndpoint(s.option("quote-endpoint", "iex")),
                      s.intOption("max-batch-size", 100),
                      Clock.systemUTC()),
          "alphavantage",
              s ->
                  new AlphaVantageAdapter(
                      AlphaVantageAdapter.parseQuoteEndpoint(
                          s.option("quote-endpoint", "global_quote")),
                      Clock.systemUTC()));

  private final Map<String, Provider> providers;
  private final Map<Dataset, List<Provider>> plans;
  private final Map<Dataset, DatasetRouting> routing;
  private final List<String> unused;

  private ProviderRegistry(
      Map<String, Provider> providers,
      Map<Dataset, List<Provider>> plans,
      Map<Dataset, DatasetRouting> routing,
      List<String> unused) {
    this.providers = providers;
    this.plans = plans;
    this.routing = routing;
    this.unused = unused;
  }

  /**
   * Starts one actor per provider that has an adapter and is either configured or simulated.
   *
   * @param simulated names of the providers the built-in simulator serves
   * @param quotas each provider's request quota
   */
  public static CompletionStage<ProviderRegistry> start(
      ActorSystem<?> system,
      Spawner spawner,
      GatewaySettings settings,
      Set<String> simulated,
      Metrics metrics,
      AuditTrail audit,
      Function<ProviderSettings, ProviderQuota> quotas) {
    return spawner
        .spawn(Topic.create(KeyEvents.KeyChanged.class, KeyEvents.TOPIC), "provider-key-events")
        .thenCompose(
            keyEvents -> {
              Map<String, CompletableFuture<Provider>> started = new LinkedHashMap<>();
              List<String> unused = new ArrayList<>();
              for (ProviderSettings p : settings.providers().values()) {
                Optional<ProviderAdapter> found = adapterFor(p);
                boolean usable = p.configured() || simulated.contains(p.name());
                if (found.isEmpty() || !usable) {
                  unused.add(p.name());
                  continue;
                }
                ProviderAdapter adapter = found.get();
                ProviderHttpClient http =
                    new ProviderHttpClient(system, settings.providerHttp(), p);
                ProviderActor.Wiring wiring =
                    new ProviderActor.Wiring(
                        http, metrics, audit, quotas.apply(p), Optional.of(keyEvents));
                started.put(
                    p.name(),
                    spawner
                        .spawn(
                            ProviderActor.create(p, simulated.contains(p.name()), adapter, wiring),
                            "provider-" + p.name())
                        .thenApply(
                            ref -> new Provider(p.name(), ref, p, adapter.datasets(), adapter))
                        .toCompletableFuture());
              }
              return CompletableFuture.allOf(started.values().toArray(CompletableFuture[]::new))
                  .thenApply(
                      done -> {
                        Map<String, Provider> providers = new LinkedHashMap<>();
                        started.forEach((name, f) -> providers.put(name, f.join()));
                        return of(settings, providers, unused);
                      });
            });
  }

  private static ProviderRegistry of(
      GatewaySettings settings, Map<String, Provider> started, List<String> unused) {
    Map<Dataset, List<Provider>> plans = new LinkedHashMap<>();
    Map<Dataset, DatasetRouting> routing = new LinkedHashMap<>();
    for (Dataset d : Dataset.values()) {
      routing.put(d, settings.routingOf(d));
      List<Provider> order = new ArrayList<>();
      for (String name : settings.providersFor(d)) {
        Provider provider = started.get(name);
        if (provider != null && provider.datasets().contains(d)) order.add(provider);
      }
      plans.put(d, List.copyOf(order));
    }
    return new ProviderRegistry(
        Map.copyOf(started),
        Map.copyOf(plans),
        Map.copyOf(routing),
        unused.stream().sorted().toList());
  }

  /** The adapter of a provider Marketgate knows; empty for an unknown name. */
  public static Optional<ProviderAdapter> adapterFor(ProviderSettings settings) {
    return Optional.ofNullable(ADAPTERS.get(settings.name()))
        .map(factory -> factory.apply(settings));
  }

  /** The providers a dataset tries, in order; empty when none is enabled for it. */
  public List<Provider> planFor(Dataset dataset) {
    return plans.getOrDefault(dataset, List.of());
  }

  /** How a dataset uses its providers: in fallback order, or merged. */
  public DatasetRouting routingOf(Dataset dataset) {
    return routing.getOrDefault(dataset, DatasetRouting.NONE);
  }

  public Optional<Provider> provider(String name) {
    return Optional.ofNullable(providers.get(name));
  }

  /**
   * Providers known to the settings that this node does not use: neither configured nor simulated.
   */
  public List<String> unused() {
    return unused;
  }

  public List<Provider> all() {
    return providers.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
  }
}
