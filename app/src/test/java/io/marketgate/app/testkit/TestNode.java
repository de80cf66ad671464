package io.marketgate.app.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.marketgate.app.Main;
import io.marketgate.app.config.GatewaySettings;
import io.marketgate.app.sim.ProviderSimulator;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A complete Marketgate node in this JVM: free ports, its own data directory, messages serialized
 * as between nodes, and the same {@link Main#init} the jar runs.
 */
public final class TestNode implements AutoCloseable {
  public static final String SYSTEM_NAME = "Marketgate";

  /** The admin client every test node knows (operations endpoints). */
  public static final String ADMIN_KEY = "test-admin-key-0000000007";

  private final ActorTestKit testKit;
  private final Main.RunningNode node;
  private final TestDatabase ownDatabase;

  private TestNode(ActorTestKit testKit, Main.RunningNode node, TestDatabase ownDatabase) {
    this.testKit = testKit;
    this.node = node;
    this.ownDatabase = ownDatabase;
  }

  /** Settings every test node gets, below the test's own overrides. */
  public static Config baseConfig(int remotePort) {
    return ConfigFactory.parseString(
        String.join(
            "\n",
            "pekko.actor.serialize-messages = on",
            "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on",
            "pekko.remote.artery.canonical.hostname = \"127.0.0.1\"",
            "pekko.remote.artery.canonical.port = " + remotePort,
            "pekko.management.http.port = 0",
            "pekko.coordinated-shutdown.exit-jvm = off",
            "kamon.metric.tick-interval = 1s",
            "marketgate.http.port = 0",
            "marketgate.metrics.port = 0",
            "marketgate.metrics.host = \"127.0.0.1\"",
            "marketgate.simulator.port = 0",
            "marketgate.shutdown.drain = 0s",
            // Tests not about rights read every dataset, unthrottled; rights tests set their own.
            "marketgate.security.anonymous-profile = premium",
            "marketgate.security.profiles.premium.rate-limit = 0",
            "marketgate.security.client-list = [{ key = \""
                + ADMIN_KEY
                + "\", profile = admin, name = test-admin }]"));
  }

  /**
   * A one-node cluster with the built-in simulator and a database of its own, plus {@code
   * overrides} (HOCON).
   */
  public static TestNode start(String overrides) {
    TestDatabase db = TestDatabase.create();
    return start(overrides, 0, db, db);
  }

  /** A node on a database the caller owns (and closes), e.g. shared by several nodes. */
  public static TestNode start(String overrides, int remotePort, TestDatabase database) {
    return start(overrides, remotePort, database, null);
  }

  private static TestNode start(
      String overrides, int remotePort, TestDatabase database, TestDatabase owned) {
    Config config =
        Main.withDatabase(
            ConfigFactory.parseString(overrides)
                .withFallback(ConfigFactory.parseString(database.config()))
                .withFallback(baseConfig(remotePort))
                .withFallback(ConfigFactory.load()));
    registerProviderKeys(config);
    // As the jar runs it: the guardian spawns the node's application actors.
    ActorSystem<SpawnProtocol.Command> system =
        ActorSystem.create(SpawnProtocol.create(), SYSTEM_NAME, config);
    ActorTestKit kit = ActorTestKit.create(system);
    try {
      Main.RunningNode node =
          Main.init(system, GatewaySettings.fromConfig(config))
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      TestNode testNode = new TestNode(kit, node, owned);
      Eventually.await(Duration.ofSeconds(20), "node to be Up", testNode::isUp);
      return testNode;
    } catch (Exception e) {
      kit.shutdownTestKit();
      if (owned != null) owned.close();
      throw new IllegalStateException("node did not start", e);
    }
  }

  public boolean isUp() {
    return Cluster.get(testKit.system()).selfMember().status() == MemberStatus.up();
  }

  /** The port of this node's cluster address. */
  public int remotePort() {
    return Cluster.get(testKit.system()).selfMember().address().getPort().get();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + node.http().getPort() + path;
  }

  public String metricsUrl() {
    return "http://127.0.0.1:" + node.metrics().getPort() + "/metrics";
  }

  public ProviderSimulator simulator() {
    return node.simulator()
        .orElseThrow(() -> new IllegalStateException("this node runs no simulator"));
  }

  public Main.RunningNode node() {
    return node;
  }

  public ActorSystem<Void> system() {
    return testKit.system();
  }

  public ActorTestKit testKit() {
    return testKit;
  }

  private static void registerProviderKeys(Config config) {
    Config providers = config.getConfig("marketgate.providers");
    for (String name : providers.root().keySet()) {
      SecretWatch.register(providers.getString(name + ".api-key"));
      SecretWatch.register(providers.getString(name + ".backup-keys"));
    }
    SecretWatch.register(config.getString("marketgate.streams.polygon.api-key"));
    for (Config client : config.getConfigList("marketgate.security.client-list"))
      SecretWatch.register(client.getString("key"));
    SecretWatch.register(config.getString("marketgate.security.clients").replaceAll("=[^,]*", ""));
  }

  /** GET an operations endpoint as the admin client. */
  public Http.Answer adminGet(String path) {
    return Http.get(url(path), "X-API-Key", ADMIN_KEY);
  }

  /** POST to an operations endpoint as the admin client. */
  public Http.Answer adminPost(String path, String body) {
    return Http.post(url(path), body, "X-API-Key", ADMIN_KEY);
  }

  /** Stops the node; fails if any provider key showed up in a log or an answer meanwhile. */
  @Override
  public void close() {
    try {
      testKit.shutdownTestKit();
    } finally {
      if (ownDatabase != null) ownDatabase.close();
    }
    SecretWatch.assertClean();
  }
}
