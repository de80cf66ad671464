package io.marketgate.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.marketgate.app.caller.CallerRegistry;
import io.marketgate.app.caller.CallerSettings;
import io.marketgate.app.caller.ClientThrottle;
import io.marketgate.app.caller.RequestRateEntity;
import io.marketgate.app.cluster.CertificateWatch;
import io.marketgate.app.cluster.ClusterFormation;
import io.marketgate.app.cluster.ClusterReach;
import io.marketgate.app.cluster.NodeLifecycle;
import io.marketgate.app.concurrent.Spawner;
import io.marketgate.app.config.GatewaySettings;
import io.marketgate.app.config.ProviderSettings;
import io.marketgate.app.config.RemotingSecurity;
import io.marketgate.app.config.StreamSettings;
import io.marketgate.app.http.ApiDocument;
import io.marketgate.app.http.BatchRoutes;
import io.marketgate.app.http.CallerDirectives;
import io.marketgate.app.http.ClusterRoutes;
import io.marketgate.app.http.DataRoutes;
import io.marketgate.app.http.HttpServer;
import io.marketgate.app.http.OperationsRoutes;
import io.marketgate.app.http.StreamRoutes;
import io.marketgate.app.metrics.Metrics;
import io.marketgate.app.metrics.MetricsEndpoint;
import io.marketgate.app.nearcache.NearCacheUpdates;
import io.marketgate.app.provider.ProviderRegistry;
import io.marketgate.app.provider.ProviderRetryBudget;
import io.marketgate.app.sim.ProviderSimulator;
import io.marketgate.app.stream.ConfiguredStreams;
import io.marketgate.app.stream.StreamProviders;
import io.marketgate.app.stream.UpstreamTopics;
import io.marketgate.app.stream.upstream.StreamSubscriptions;
import io.marketgate.app.stream.upstream.UpstreamConnection;
import io.marketgate.app.symbol.BatchFetch;
import io.marketgate.app.symbol.DirectFetches;
import io.marketgate.app.symbol.FetchPlan;
import io.marketgate.app.symbol.NearCache;
import io.marketgate.app.symbol.SymbolEntity;
import io.marketgate.app.symbol.SymbolGateway;
import io.marketgate.persistence.db.DatabaseSettings;
import io.marketgate.persistence.dlq.DlqEntity;
import io.marketgate.persistence.dlq.DlqSettings;
import io.marketgate.persistence.dlq.ShardedDeadLetterQueue;
import io.marketgate.persistence.quota.QuotaEntity;
import io.marketgate.persistence.quota.QuotaLimits;
import io.marketgate.persistence.quota.QuotaSettings;
import io.marketgate.persistence.quota.ShardedQuotas;
import io.marketgate.protocol.DeadLetterEvents;
import io.marketgate.protocol.RequestOrigin;
import io.marketgate.protocol.SymbolProtocol;
import io.marketgate.protocol.stream.UpstreamProtocol;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a Marketgate node ({@code java -jar marketgate.jar}), a standalone simulator ({@code …
 * simulator}), or runs the one-off shard-count migration ({@code … migrate-shards}).
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  /** What a started node exposes: its bound addresses and, when it runs one, its simulator. */
  public record RunningNode(
      InetSocketAddress http,
      InetSocketAddress metrics,
      Optional<ProviderSimulator> simulator,
      ProviderRegistry providers,
      GatewaySettings settings,
      Durable durable,
      StreamSubscriptions streams) {}

  /** The sharded entity types GET /api/v1/cluster reports, by the names it gives them. */
  private static Map<String, EntityTypeKey<?>> shardedTypes() {
    Map<String, EntityTypeKey<?>> types = new LinkedHashMap<>();
    types.put("symbol", SymbolProtocol.ENTITY_KEY);
    types.put("dead_letter", DlqEntity.ENTITY_KEY);
    types.put("provider_quota", QuotaEntity.ENTITY_KEY);
    types.put("request_rate", RequestRateEntity.ENTITY_KEY);
    types.put("upstream_connection", UpstreamProtocol.ENTITY_KEY);
    return Collections.unmodifiableMap(types);
  }

  public static void main(String[] args) {
    ensureCommonPoolParallelism();
    if (args.length > 0 && args[0].equals("simulator")) {
      StandaloneSimulator.run(args);
      return;
    }
    if (args.length > 0 && args[0].equals("migrate-shards")) {
      System.exit(ShardMigrationCommand.run());
      return;
    }
    Config config;
    try {
      RemotingSecurity.Remoting remoting =
          RemotingSecurity.of(
              withDatabase(
                  ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = on")
                      .withFallback(ConfigFactory.load())));
      LOG.info("Cluster remoting: {}", remoting.description());
      config = remoting.config();
    } catch (RuntimeException e) {
      LOG.error("Marketgate cannot start: {}", e.getMessage());
      // The log's appender is asynchronous: written out before exiting, or the reason is lost.
      if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logs)
        logs.stop();
      System.exit(2);
      return;
    }
    ActorSystem<SpawnProtocol.Command> system =
        ActorSystem.create(SpawnProtocol.create(), "Marketgate", config);
    try {
      init(system, GatewaySettings.fromConfig(config))
          .whenComplete(
              (node, error) -> {
                if (error != null) {
                  LOG.error("Marketgate failed to start", error);
                  CoordinatedShutdown.get(system).runAll(StartupFailure.INSTANCE);
                }
              });
    } catch (RuntimeException e) {
      LOG.error("Marketgate failed to start: {}", e.getMessage(), e);
      CoordinatedShutdown.get(system).runAll(StartupFailure.INSTANCE);
    }
  }

  /**
   * On 2 cores the JDK's common pool has parallelism 1 and async callbacks without an executor then
   * get a new thread each; libraries (Scala's future converters among them) use that pool. Must run
   * before anything touches {@code ForkJoinPool}.
   */
  private static void ensureCommonPoolParallelism() {
    String property = "java.util.concurrent.ForkJoinPool.common.parallelism";
    if (System.getProperty(property) == null) {
      System.setProperty(
          property, Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors())));
    }
  }

  /**
   * The node's configuration with the persistence plugin pointed at its database (PostgreSQL from
   * DATABASE_URL, or the embedded H2 file): call before creating the actor system.
   */
  public static Config withDatabase(Config config) {
    return DatabaseSettings.fromConfig(config)
        .persistencePluginConfig()
        .withFallback(config)
        .resolve();
  }

  /**
   * Wires a node into {@code system}, whose guardian spawns its application actors: what {@link
   * #main} and the tests call.
   */
  public static CompletionStage<RunningNode> init(
      ActorSystem<SpawnProtocol.Command> system, GatewaySettings configured) {
    Metrics metrics = Metrics.start(system.settings().config());
    CompletionStage<Optional<ProviderSimulator>> simulator =
        configured.simulatorEnabled()
            ? ProviderSimulator.start(
                    system, configured.simulator().host(), configured.simulator().port())
                .thenApply(Optional::of)
            : CompletableFuture.completedFuture(Optional.empty());
    Spawner spawner = Spawner.underGuardian(system, configured.asks().spawn());
    return simulator.thenCompose(sim -> start(system, spawner, configured, sim, metrics));
  }

  private static CompletionStage<RunningNode> start(
      ActorSystem<?> system,
      Spawner spawner,
      GatewaySettings configured,
      Optional<ProviderSimulator> sim,
      Metrics metrics) {
    Set<String> simulated =
        sim.isEmpty()
            ? Set.of()
            : configured.providers().values().stream()
                .filter(
                    p ->
                        !p.configured()
                            && ProviderSimulator.PROVIDERS.contains(p.name())
                            && configured.simulator().simulates(p.name()))
                .map(ProviderSettings::name)
                .collect(Collectors.toSet());
    GatewaySettings settings =
        sim.map(
                s ->
                    configured.withProviders(
                        p -> simulated.contains(p.name()) ? p.servedBySimulator(s.baseUrl()) : p))
            .orElse(configured);
    Config config = system.settings().config();
    Durable durable = Durable.start(system, config, metrics);
    QuotaSettings quotaSettings = QuotaSettings.fromConfig(config.getConfig("marketgate.quota"));
    ShardedQuotas quotas =
        ShardedQuotas.start(
            system,
            durable.database(),
            quotaSettings,
            settings.providers().values().stream()
                .collect(
                    Collectors.toMap(
                        ProviderSettings::name,
                        p -> new QuotaLimits(p.rateLimitPerMinute(), p.dailyLimit()))),
            SymbolProtocol.SHARD_ROLE);
    return ProviderRegistry.start(
            system,
            spawner,
            settings,
            simulated,
            metrics,
            durable.audit(),
            p -> quotas.of(p.name()))
        .thenCompose(
            providers ->
                spawner
                    .spawn(
                        Topic.create(
                            DeadLetterEvents.Escalated.class, DeadLetterEvents.FAILED_TOPIC),
                        "dlq-failed-topic")
                    .thenCompose(
                        failedTopic ->
                            serve(
                                system,
                                spawner,
                                settings,
                                simulated,
                                sim,
                                metrics,
                                durable,
                                quotaSettings,
                                providers,
                                failedTopic)));
  }

  /** The rest of a node once its provider actors run. */
  private static CompletionStage<RunningNode> serve(
      ActorSystem<?> system,
      Spawner spawner,
      GatewaySettings settings,
      Set<String> simulated,
      Optional<ProviderSimulator> sim,
      Metrics metrics,
      Durable durable,
      QuotaSettings quotaSettings,
      ProviderRegistry providers,
      ActorRef<Topic.Command<DeadLetterEvents.Escalated>> failedTopic) {
    LOG.info(
        "Providers: {}",
        providers.all().stream()
            .map(
                p ->
                    p.name()
                        + (simulated.contains(p.name())
                            ? " (simulated)"
                            : " " + p.settings().baseUrl()))
            .collect(Collectors.joining(", ")));

    ClusterFormation.join(system, settings);
    CertificateWatch.start(system, metrics::tlsCertificateExpiry);
    StreamSubscriptions streams = startStreams(system, settings, simulated, sim, metrics, durable);
    NearCache nearCache =
        new NearCache(
            key -> settings.cache().maxAge(key.dataset()).toMillis(),
            settings.cache().nearCacheMaxEntries(),
            Clock.systemUTC());
    FetchPlan plan = new FetchPlan(providers);
    SymbolGateway.Reach reach =
        new SymbolGateway.Reach(
            ClusterReach.start(system, spawner, SymbolProtocol.SHARD_ROLE, Clock.systemUTC())
                ::entitiesMayBeOutOfReach,
            settings.reachTimeout(),
            new DirectFetches(plan, durable.lastGood(), metrics, Clock.systemUTC()));
    return NearCacheUpdates.start(spawner, nearCache)
        .thenCombine(
            BatchFetch.start(spawner, system, providers),
            (nearCacheUpdates, batchFetch) -> {
              SymbolGateway gateway =
                  new SymbolGateway(
                      SymbolGateway.EntityAsk.sharded(ClusterSharding.get(system)),
                      batchFetch,
                      providers::serves,
                      nearCache,
                      durable.lastGood(),
                      metrics,
                      settings.fallbackReserve(),
                      reach);
              ShardedDeadLetterQueue deadLetters =
                  startDeadLetters(
                      system, durable, providers, settings, failedTopic, metrics, gateway);
              SymbolEntity.init(
                  system,
                  new SymbolEntity.Dependencies(
                      plan,
                      settings.cache(),
                      settings.replyMargin(),
                      deadLetters,
                      durable.lastGood(),
                      nearCacheUpdates,
                      Clock.systemUTC()));
              return bind(
                  system,
                  settings,
                  sim,
                  metrics,
                  durable,
                  quotaSettings,
                  providers,
                  deadLetters,
                  gateway,
                  streams);
            })
        .thenCompose(bound -> bound);
  }

  /**
   * The provider streams this node can open (any node may come to own a connection), the sharded
   * connections, and this node's way to subscribe to them.
   */
  private static StreamSubscriptions startStreams(
      ActorSystem<?> system,
      GatewaySettings settings,
      Set<String> simulated,
      Optional<ProviderSimulator> sim,
      Metrics metrics,
      Durable durable) {
    StreamSettings streamSettings =
        StreamSettings.fromConfig(system.settings().config().getConfig("marketgate.streams"));
    StreamProviders streamProviders =
        ConfiguredStreams.of(
            streamSettings, settings.providers(), simulated, sim.map(ProviderSimulator::baseUrl));
    LOG.info("Stream providers: {}", streamProviders.all());
    UpstreamTopics topics = new UpstreamTopics(system);
    // Remembered entities: their store is the journal, so the region starts once it is migrated.
    CompletionStage<Void> started =
        durable
            .database()
            .ready()
            .thenRun(
                () ->
                    UpstreamConnection.init(
                        system,
                        new UpstreamConnection.Dependencies(
                            streamProviders,
                            topics,
                            streamSettings,
                            metrics::streamReconnect,
                            Clock.systemUTC()),
                        SymbolProtocol.SHARD_ROLE));
    return new StreamSubscriptions(
        system,
        streamProviders,
        topics,
        streamSettings,
        settings.asks().operations(),
        Clock.systemUTC(),
        started);
  }

  /**
   * The durable dead-letter queue; a retry fetches through {@code gateway}, so it takes the direct
   * path too while a member is unreachable.
   */
  private static ShardedDeadLetterQueue startDeadLetters(
      ActorSystem<?> system,
      Durable durable,
      ProviderRegistry providers,
      GatewaySettings settings,
      ActorRef<Topic.Command<DeadLetterEvents.Escalated>> failedTopic,
      Metrics metrics,
      SymbolGateway gateway) {
    ShardedDeadLetterQueue deadLetters =
        ShardedDeadLetterQueue.start(
            system,
            durable.database(),
            new ShardedDeadLetterQueue.Wiring(
                DlqSettings.fromConfig(system.settings().config()),
                (key, budget) ->
                    gateway.refetch(
                        key,
                        budget,
                        settings.asks().refetchReplyGrace(),
                        RequestOrigin.DEAD_LETTER_RETRY),
                ProviderRetryBudget.start(system, providers, settings.retryBudget()),
                durable.dlqStore(),
                durable.audit(),
                failedTopic,
                metrics.dlqMetrics()),
            SymbolProtocol.SHARD_ROLE);
    deadLetters
        .started()
        .whenComplete(
            (started, error) -> {
              if (error instanceof ShardedDeadLetterQueue.ShardCountMismatch mismatch) {
                LOG.error("Marketgate refuses to start: {}", mismatch.getMessage());
                CoordinatedShutdown.get(system).runAll(StartupFailure.INSTANCE);
              }
            });
    return deadLetters;
  }

  /** The HTTP API, management and metrics of a wired node; ready once both ports are bound. */
  private static CompletionStage<RunningNode> bind(
      ActorSystem<?> system,
      GatewaySettings settings,
      Optional<ProviderSimulator> sim,
      Metrics metrics,
      Durable durable,
      QuotaSettings quotaSettings,
      ProviderRegistry providers,
      ShardedDeadLetterQueue deadLetters,
      SymbolGateway gateway,
      StreamSubscriptions streams) {
    Config config = system.settings().config();
    CallerSettings callerSettings = CallerSettings.fromConfig(config, System::getenv);
    CallerDirectives callers =
        new CallerDirectives(
            new CallerRegistry(callerSettings),
            ClientThrottle.start(
                system, quotaSettings, callerSettings.rateWindow(), SymbolProtocol.SHARD_ROLE),
            durable.audit(),
            metrics,
            callerSettings,
            settings.asks().throttleWait(),
            Clock.systemUTC());
    PekkoManagement.get(system.classicSystem()).start();

    var routes =
        Directives.concat(
            new BatchRoutes(
                    gateway, callers, metrics, settings.requestDeadline(), Clock.systemUTC())
                .route(),
            new DataRoutes(gateway, callers, settings.requestDeadline(), Clock.systemUTC()).route(),
            new OperationsRoutes(
                    system,
                    providers,
                    deadLetters,
                    durable.audit(),
                    metrics.nodeCounters(),
                    callers,
                    settings.asks().operations())
                .route(),
            new ClusterRoutes(system, shardedTypes(), callers, settings.asks().clusterStats())
                .route(),
            new StreamRoutes(system, streams, callers, settings.asks().operations()).route(),
            new ApiDocument().route());
    CompletionStage<InetSocketAddress> http =
        HttpServer.start(system, "HTTP API", settings.httpHost(), settings.httpPort(), routes);
    CompletionStage<InetSocketAddress> metricsBinding =
        HttpServer.start(
            system,
            "Metrics",
            settings.metricsHost(),
            settings.metricsPort(),
            MetricsEndpoint.route());
    NodeLifecycle lifecycle = NodeLifecycle.get(system);
    lifecycle.drainOnShutdown(system, settings.shutdownDrain());
    return http.thenCombine(
        metricsBinding,
        (h, m) -> {
          lifecycle.serving();
          return new RunningNode(h, m, sim, providers, settings, durable, streams);
        });
  }
}
