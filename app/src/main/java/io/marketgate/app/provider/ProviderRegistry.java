package io.marketgate.app.provider;

import io.marketgate.app.concurrent.Spawner;
import io.marketgate.app.concurrent.Stages;
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
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.RequestOrigin;
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
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.pubsub.Topic;

/** This node's provider actors, and which of them serve each dataset in priority order. */
public final class ProviderRegistry implements ProviderPlans {

  /** A running provider: its actor, the settings it was started with, and its adapter. */
  public static final class Provider implements ProviderHandle {
    private final ActorRef<ProviderActor.Command> ref;
    private final ProviderSettings settings;
    private final ProviderAdapter adapter;
    private final Scheduler scheduler;
    private final Duration replyGrace;
    private final Duration batchReplyGrace;

    Provider(
        ActorRef<ProviderActor.Command> ref,
        ProviderSettings settings,
        ProviderAdapter adapter,
        Scheduler scheduler,
        Duration replyGrace,
        Duration batchReplyGrace) {
      this.ref = ref;
      this.settings = settings;
      this.adapter = adapter;
      this.scheduler = scheduler;
      this.replyGrace = replyGrace;
      this.batchReplyGrace = batchReplyGrace;
    }

    /** Its actor, for the operations endpoints (status, breaker reset). */
    public ActorRef<ProviderActor.Command> ref() {
      return ref;
    }

    public ProviderSettings settings() {
      return settings;
    }

    @Override
    public String name() {
      return settings.name();
    }

    @Override
    public Duration timeout() {
      return settings.timeout();
    }

    @Override
    public double confidence() {
      return settings.confidence();
    }

    @Override
    public Set<Dataset> datasets() {
      return adapter.datasets();
    }

    @Override
    public int maxBatchSize() {
      return adapter instanceof BatchQuotes b ? b.maxBatchSize() : 0;
    }

    @Override
    public CompletionStage<ProviderOutcome> fetch(
        FetchKey key, Duration timeout, RequestOrigin origin) {
      return ask(
          replyTo -> new ProviderActor.Fetch(key, timeout, origin, replyTo),
          timeout.plus(replyGrace),
          this::noAnswer);
    }

    @Override
    public CompletionStage<BatchOutcome> fetchBatch(
        List<FetchKey> keys, Duration timeout, RequestOrigin origin) {
      return ask(
          replyTo -> new ProviderActor.FetchBatch(keys, timeout, origin, replyTo),
          timeout.plus(batchReplyGrace),
          () -> BatchOutcome.all(keys, noAnswer()));
    }

    /** The actor's answer, or {@code noAnswer} when it does not come within {@code timeout}. */
    private <T> CompletionStage<T> ask(
        Function<ActorRef<T>, ProviderActor.Command> message,
        Duration timeout,
        Supplier<T> noAnswer) {
      return Stages.direct(AskPattern.ask(ref, message::apply, timeout, scheduler))
          .exceptionally(e -> noAnswer.get());
    }

    private ProviderOutcome.Failed noAnswer() {
      return ProviderOutcome.failed(
          name(), ProviderErrorCode.TIMEOUT, "the provider actor did not answer in time");
    }
  }

  /** The adapter of each known provider, from its typed options. */
  private static final Map<String, Function<ProviderSettings, ProviderAdapter>> ADAPTERS =
      Map.of(
          "fmp", s -> new FmpAdapter(s.baseUrl(), s.adapter().maxBatchSize()),
          "polygon",
              s ->
                  new PolygonAdapter(
                      PolygonAdapter.parseQuoteEndpoint(s.adapter().quoteEndpoint())),
          "fred", s -> new FredAdapter(),
          "ibkr", s -> new IbkrAdapter(s.adapter().snapshotPollInterval()),
          "newsapi", s -> new NewsApiAdapter(NewsApiAdapter.parseEndpoint(s.adapter().endpoint())),
          "tiingo",
              s ->
                  new TiingoAdapter(
                      TiingoAdapter.parseQuoteEndpoint(s.adapter().quoteEndpoint()),
                      s.adapter().maxBatchSize(),
                      Clock.systemUTC()),
          "alphavantage",
              s ->
                  new AlphaVantageAdapter(
                      AlphaVantageAdapter.parseQuoteEndpoint(s.adapter().quoteEndpoint()),
                      Clock.systemUTC()));

  private final Map<String, Provider> providers;
  private final Map<Dataset, List<ProviderHandle>> plans;
  private final Map<Dataset, DatasetRouting> routing;
  private final List<String> unused;

  private ProviderRegistry(
      Map<String, Provider> providers,
      Map<Dataset, List<ProviderHandle>> plans,
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
                ProviderActor.Wiring wiring =
                    new ProviderActor.Wiring(
                        new ProviderHttpClient(system, settings.providerHttp(), p),
                        metrics,
                        audit,
                        quotas.apply(p),
                        Optional.of(keyEvents));
                started.put(
                    p.name(),
                    spawner
                        .spawn(
                            ProviderActor.create(p, simulated.contains(p.name()), adapter, wiring),
                            "provider-" + p.name())
                        .thenApply(
                            ref ->
                                new Provider(
                                    ref,
                                    p,
                                    adapter,
                                    system.scheduler(),
                                    settings.asks().providerReplyGrace(),
                                    settings.asks().batchReplyGrace()))
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
    Map<Dataset, List<ProviderHandle>> plans = new LinkedHashMap<>();
    Map<Dataset, DatasetRouting> routing = new LinkedHashMap<>();
    for (Dataset d : Dataset.values()) {
      routing.put(d, settings.routingOf(d));
      List<ProviderHandle> order = new ArrayList<>();
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
    Function<ProviderSettings, ProviderAdapter> factory = ADAPTERS.get(settings.name());
    return factory == null ? Optional.empty() : Optional.of(factory.apply(settings));
  }

  @Override
  public List<ProviderHandle> planFor(Dataset dataset) {
    return plans.getOrDefault(dataset, List.of());
  }

  @Override
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
