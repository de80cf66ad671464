package io.marketgate.app.cluster;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.sim.CallLog;
import io.marketgate.app.sim.Fault;
import io.marketgate.app.testkit.CallLogAssertions;
import io.marketgate.app.testkit.Eventually;
import io.marketgate.app.testkit.FreePorts;
import io.marketgate.app.testkit.GatewayProcess;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.SecretWatch;
import io.marketgate.app.testkit.SharedSimulator;
import io.marketgate.app.testkit.StreamTap;
import io.marketgate.app.testkit.TestCertificates;
import io.marketgate.app.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One cluster's life in separate JVMs started from the shaded jar, on loopback, with one database
 * (PostgreSQL in CI) and one provider simulator: three nodes coalesce a herd spread over them into
 * one provider call and run the shared cluster settings (Split Brain Resolver, 128 shards); a
 * sharding-proxy JVM of the protocol module alone reaches the entities, and one without the shared
 * settings is refused at the join; a node hosting a symbol and pending dead letters is killed with
 * SIGKILL under load, and no request fails: the survivors fetch its symbols themselves while it is
 * unreachable (one call per key per node at a time), then take its entities and dead letters over;
 * a replacement makes three again, two more make five and shards move onto the new ones; five
 * shrink to two by SIGTERM, one at a time, under load sent only to ready nodes, and no request
 * fails. The steps run in order, each starting from the cluster the previous one left.
 */
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterLifecycleIT {
  private static final HashCodeMessageExtractor<Object> SHARDS =
      new HashCodeMessageExtractor<>(128);
  private static final List<String> WARM =
      IntStream.range(0, 30).mapToObj(i -> String.format("FO%02d", i)).toList();
  private static final List<String> DEAD_LETTERS =
      IntStream.range(0, 10).mapToObj(i -> String.format("DL%02d", i)).toList();

  /**
   * A gateway process, the remoting port that names it in the cluster, and the directory of its TLS
   * key material.
   */
  private record Node(String name, int remotePort, Path tls, GatewayProcess process) {
    String address() {
      return "pekko://Marketgate@127.0.0.1:" + remotePort;
    }
  }

  private SharedSimulator simulator;
  private TestDatabase database;
  private final Map<String, String> env = new HashMap<>();
  private final List<Node> nodes = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start() {
    simulator = SharedSimulator.start();
    database = TestDatabase.create();
    List<Integer> seeds = List.of(FreePorts.next(), FreePorts.next(), FreePorts.next());
    env.putAll(simulator.providerEnvironment());
    env.putAll(database.sharedEnvironment());
    env.put(
        "MARKETGATE_SEED_NODES",
        String.join(",", seeds.stream().map(p -> "127.0.0.1:" + p).toList()));
    env.put("MARKETGATE_SHUTDOWN_DRAIN", "2s");
    env.put("FMP_CIRCUIT_BREAKER_THRESHOLD", "1000");
    env.put("POLYGON_CIRCUIT_BREAKER_THRESHOLD", "1000");
    // Renewed certificates are read again within seconds (the rotation test).
    env.put("MARKETGATE_TLS_RELOAD_INTERVAL", "2s");
    // The first seed forms the cluster; the others join it.
    nodes.add(startNode("n0", seeds.get(0)));
    startNodes(List.of("n1", "n2"), seeds.subList(1, 3));
    awaitUpMembers(3);
  }

  @AfterAll
  void stop() {
    for (Node n : nodes) n.process().close();
    if (simulator != null) simulator.close();
    if (database != null) database.close();
  }

  private Node startNode(String name, int remotePort) {
    Map<String, String> nodeEnv = new HashMap<>(env);
    nodeEnv.put("MARKETGATE_REMOTE_PORT", Integer.toString(remotePort));
    // Each node its own provider keys: the simulator's call log tells the nodes apart by them.
    nodeEnv.put("FMP_API_KEY", "test-fmp-key-" + name);
    nodeEnv.put("POLYGON_API_KEY", "test-polygon-key-" + name);
    // Each node its own key and certificate, all issued by the cluster's CA.
    Path tls = TestCertificates.cluster().issue(name);
    nodeEnv.put("MARKETGATE_TLS_DIR", tls.toString());
    // Slow first retries: dead letters are still pending when their node is killed.
    return new Node(
        name,
        remotePort,
        tls,
        GatewayProcess.start(name, nodeEnv, Map.of("marketgate.dlq.first-retry-after", "20s")));
  }

  private void startNodes(List<String> names, List<Integer> remotePorts) {
    List<CompletableFuture<Node>> started = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      int port = remotePorts.get(i);
      started.add(CompletableFuture.supplyAsync(() -> startNode(name, port)));
    }
    started.forEach(f -> nodes.add(f.join()));
  }

  private JsonNode cluster() {
    Http.Answer answer = nodes.get(0).process().adminGet("/api/v1/cluster");
    assertEquals(200, answer.status(), answer.body());
    return answer.json();
  }

  private void awaitUpMembers(int n) {
    Eventually.await(
        Duration.ofSeconds(60),
        n + " Up members",
        () -> {
          int up = 0;
          for (JsonNode m : cluster().get("members"))
            if (m.get("status").asText().equals("Up")) up++;
          return up == n && cluster().get("members").size() == n;
        });
  }

  /** The member's hosted shards of an entity type, as GET /api/v1/cluster reports them. */
  private Optional<JsonNode> hosted(JsonNode cluster, Node node, String type) {
    for (JsonNode m : cluster.get("members")) {
      if (m.get("address").asText().equals(node.address()))
        return Optional.ofNullable(m.get("shards").get(type)).filter(t -> !t.isNull());
    }
    return Optional.empty();
  }

  private Node nodeAt(int i) {
    return nodes.get(Math.floorMod(i, nodes.size()));
  }

  @Test
  @Order(1)
  void aHerdSpreadOverThreeNodesCostsOneProviderCall() {
    // Warm every node's provider connections: a fresh JVM's first call can outlast the attempt
    // timeout.
    for (int i = 0; i < 12; i++)
      assertEquals(
          200,
          Http.get(nodeAt(i).process().url("/api/v1/quotes/WARM" + (char) ('A' + i))).status());
    simulator.simulator().reset();
    simulator.simulator().setFault("fmp", Fault.latency(200));
    List<CompletableFuture<Http.Answer>> answers = new ArrayList<>();
    for (int i = 0; i < 200; i++)
      answers.add(Http.getAsync(nodeAt(i).process().url("/api/v1/quotes/HERDX")));
    for (CompletableFuture<Http.Answer> a : answers)
      assertEquals(200, a.join().status(), a.join().body());
    assertEquals(
        1,
        simulator.simulator().calls().total(),
        "one provider call for 200 requests on 3 nodes: " + simulator.simulator().calls().calls());
    simulator.simulator().reset();
  }

  @Test
  @Order(2)
  void everyNodeRunsTheSharedClusterSettingsFromTheJar() {
    for (Node n : nodes) {
      String log = n.process().logText();
      assertFalse(
          log.contains("No downing-provider-class configured"),
          n.name() + " runs without a downing provider");
      assertTrue(
          log.contains("SBR started. Config: strategy [KeepMajority], stable-after [3 seconds]"),
          n.name() + "'s Split Brain Resolver");
      JsonNode settings = n.process().adminGet("/api/v1/cluster").json().get("settings");
      assertEquals(
          "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider",
          settings.get("downing_provider").asText());
      assertEquals("keep-majority", settings.get("split_brain_resolver_strategy").asText());
      assertEquals("gateway", settings.get("split_brain_resolver_role").asText());
      assertEquals(3000, settings.get("stable_after_ms").asLong());
      assertEquals(1000, settings.get("down_removal_margin_ms").asLong());
      assertEquals(2000, settings.get("acceptable_heartbeat_pause_ms").asLong());
      assertEquals(128, settings.get("number_of_shards").asInt());
      assertEquals("tls-tcp", settings.get("remoting_transport").asText());
    }
  }

  @Test
  @Order(3)
  void everyNodeTalksMutualTlsWithItsOwnCertificate() {
    Path client = TestCertificates.cluster().issue("probe");
    for (Node n : nodes) {
      assertTrue(
          n.process().logText().contains("Cluster remoting: TLS with mutual authentication"),
          n.name() + " logs its remoting");
      // From outside: the remoting port is a TLS server presenting this node's certificate.
      assertEquals(
          TestCertificates.serial(n.tls()),
          TestCertificates.presentedSerial(n.remotePort(), client),
          n.name() + "'s remoting port presents its own certificate");
    }
  }

  @Test
  @Order(4)
  void aShardingProxyJvmOfTheProtocolModuleAloneAsksTheEntities() throws Exception {
    ClientRun client = runProxyClient("PRXY", true, TestCertificates.cluster().issue("client"), 30);
    assertEquals(0, client.status(), client.output());
    assertTrue(
        client
            .output()
            .contains(
                "EFFECTIVE number-of-shards=128 downing-provider-class=org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"),
        client.output());
    assertTrue(client.output().contains("ANSWER fmp {\"symbol\":\"PRXY\""), client.output());
    assertEquals(
        1,
        simulator.simulator().callsOf("fmp").stream()
            .filter(c -> c.symbol().equals("PRXY"))
            .count());
  }

  @Test
  @Order(5)
  void aJvmWithoutTheSharedClusterSettingsIsRefusedAtTheJoin() throws Exception {
    ClientRun client =
        runProxyClient("NOPE", false, TestCertificates.cluster().issue("client"), 30);
    assertNotEquals(0, client.status(), client.output());
    assertTrue(client.output().contains("EFFECTIVE number-of-shards=1000"), client.output());
    assertTrue(client.output().contains("NOT JOINED"), client.output());
    String seedLog = nodes.get(0).process().logText();
    assertTrue(
        seedLog.contains("Found incompatible settings when")
            && seedLog.contains("pekko.cluster.sharding.number-of-shards"),
        "the seed names the setting that differs");
    assertEquals(3, cluster().get("members").size(), "the refused JVM never became a member");
  }

  @Test
  @Order(6)
  void aTlsJvmWithACertificateOfAnotherCaReachesNoEntity() throws Exception {
    // The intruder trusts the cluster's CA (ca.crt can be read off any handshake) and holds a
    // certificate of its own CA with the shared name: the gateways must refuse its certificate.
    Path intruder = TestCertificates.newAuthority("foreign").issue("intruder");
    Files.copy(
        TestCertificates.cluster().directory().resolve("ca.crt"),
        intruder.resolve("ca.crt"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    long callsBefore = simulator.simulator().calls().total();
    ClientRun client =
        runProxyClient("RGUE", true, intruder, 15, Map.of("MARKETGATE_CLIENT_TLS_CHECK", "off"));
    assertNotEquals(0, client.status(), client.output());
    assertTrue(
        client.output().contains("TLS REFUSED: tls.crt (CN=intruder) is not issued by the CA"),
        "the intruder runs TLS with a certificate of another CA: " + client.output());
    assertTrue(client.output().contains("NOT JOINED"), client.output());
    assertEquals(3, cluster().get("members").size(), "the refused JVM never became a member");
    assertEquals(
        callsBefore, simulator.simulator().calls().total(), "no provider call from the intruder");
    try (Connection c = database.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT COUNT(*) FROM audit_log WHERE subject LIKE '%RGUE%'")) {
      assertTrue(rs.next());
      assertEquals(0, rs.getLong(1), "no audit row for the intruder's symbol");
    }
    // A JVM set up for TLS without its key is stopped before it connects anywhere.
    Path keyless = TestCertificates.cluster().issue("keyless");
    Files.delete(keyless.resolve("tls.key"));
    ClientRun refused = runProxyClient("KYLS", true, keyless, 15, Map.of());
    assertEquals(3, refused.status(), refused.output());
    assertTrue(refused.output().contains("lacks tls.key"), refused.output());
  }

  @Test
  @Order(7)
  void aRotatedCertificateIsServedAndTheClusterStaysFormed() throws Exception {
    Node rotated = nodes.get(1);
    String before = TestCertificates.serial(rotated.tls());
    TestCertificates.cluster().issue(rotated.tls(), rotated.name());
    String after = TestCertificates.serial(rotated.tls());
    assertNotEquals(before, after);
    Path probe = TestCertificates.cluster().issue("probe");
    Eventually.await(
        Duration.ofSeconds(30),
        rotated.name() + " presents its renewed certificate",
        () -> TestCertificates.presentedSerial(rotated.remotePort(), probe).equals(after));
    assertEquals(3, cluster().get("members").size());
    awaitUpMembers(3);
    // A JVM joining now handshakes with the renewed certificate and asks a symbol of that node.
    String symbol = symbolHostedOn(rotated, "ROT");
    ClientRun client = runProxyClient(symbol, true, TestCertificates.cluster().issue("client"), 30);
    assertEquals(0, client.status(), client.output());
    assertTrue(
        client.output().contains("ANSWER fmp {\"symbol\":\"" + symbol + "\""), client.output());
    awaitUpMembers(3);
  }

  /** A symbol starting with {@code prefix} whose symbol entity's shard {@code node} hosts. */
  private String symbolHostedOn(Node node, String prefix) {
    Set<String> shards = symbolShards(cluster(), node);
    for (int i = 0; i < 26 * 26; i++) {
      String symbol = prefix + (char) ('A' + i % 26) + (char) ('A' + i / 26);
      if (shards.contains(SHARDS.shardId(symbol))) return symbol;
    }
    throw new AssertionError(node.name() + " hosts none of the symbols tried: " + shards);
  }

  private record ClientRun(int status, String output) {}

  /**
   * A JVM of the protocol module's classpath alone (classes, test classes, runtime dependencies),
   * as a service would run.
   */
  private ClientRun runProxyClient(
      String symbol, boolean withClusterConf, Path tls, int joinTimeoutSeconds) throws Exception {
    return runProxyClient(symbol, withClusterConf, tls, joinTimeoutSeconds, Map.of());
  }

  private ClientRun runProxyClient(
      String symbol,
      boolean withClusterConf,
      Path tls,
      int joinTimeoutSeconds,
      Map<String, String> extraEnv)
      throws Exception {
    Path protocol = Path.of(System.getProperty("marketgate.protocol.target"));
    String classpath =
        String.join(
            java.io.File.pathSeparator,
            protocol.resolve("classes").toString(),
            protocol.resolve("test-classes").toString(),
            Files.readString(protocol.resolve("runtime-classpath.txt")).trim());
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                classpath,
                "io.marketgate.protocol.client.ProxyClientMain",
                "127.0.0.1:" + nodes.get(0).remotePort(),
                Integer.toString(FreePorts.next()),
                symbol));
    if (!withClusterConf) command.add("without-cluster-conf");
    Path log =
        Path.of("target", "proxy-client-" + symbol + "-" + System.currentTimeMillis() + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("MARKETGATE_TLS_DIR", tls.toString());
    builder
        .environment()
        .put("MARKETGATE_CLIENT_JOIN_TIMEOUT", Integer.toString(joinTimeoutSeconds));
    builder.environment().putAll(extraEnv);
    Process client = builder.start();
    if (!client.waitFor(90, TimeUnit.SECONDS)) {
      client.destroyForcibly();
      fail("the client JVM did not finish, see " + log.toAbsolutePath());
    }
    String printed = Files.readString(log);
    SecretWatch.inspect("log of the proxy client " + log, printed);
    return new ClientRun(client.exitValue(), printed);
  }

  /**
   * One answer seen by the load during the fail-over, stamped with when its request was sent
   * (status -1: no answer); {@code direct}: fetched by the answering node itself.
   */
  private record Sample(
      String node,
      long atMillis,
      long answeredAtMillis,
      String symbol,
      int status,
      boolean stale,
      boolean direct) {
    boolean fresh() {
      return status == 200 && !stale;
    }
  }

  @Test
  @Order(8)
  void oneProviderConnectionServesSubscribersOnEveryNodeAndMovesWhenItsOwnerIsKilled()
      throws Exception {
    var streams = simulator.simulator().polygonStreams();
    long connectionsBefore = streams.connections();
    long subscriptionsBefore = streams.subscriptions("Q.STRM");
    // The first tap starts the connection; its owner is then known.
    StreamTap first = StreamTap.open(nodes.get(0).process().url(""), "polygon", "quotes", "STRM");
    assertEquals("subscribed", first.next(Duration.ofSeconds(30)).get("event").asText());
    Node owner = streamOwner();
    List<Node> survivors = nodes.stream().filter(n -> n != owner).toList();
    List<StreamTap> taps = new ArrayList<>();
    for (Node n : survivors) {
      StreamTap tap =
          n == nodes.get(0)
              ? first
              : StreamTap.open(n.process().url(""), "polygon", "quotes", "STRM");
      if (tap != first)
        assertEquals("subscribed", tap.next(Duration.ofSeconds(30)).get("event").asText());
      taps.add(tap);
    }
    if (!taps.contains(first)) first.close();

    // Both subscribers, on two nodes, receive the same quotes once both are acknowledged.
    List<Long> seqsA = quoteSeqs(taps.get(0), 30);
    List<Long> seqsB = quoteSeqs(taps.get(1), 30);
    long from = Math.max(seqsA.get(0), seqsB.get(0));
    long to = Math.min(seqsA.get(29), seqsB.get(29));
    List<Long> overlapA = seqsA.stream().filter(q -> q >= from && q <= to).toList();
    assertTrue(overlapA.size() >= 10, "overlapping quotes: " + seqsA + " / " + seqsB);
    assertEquals(overlapA, seqsB.stream().filter(q -> q >= from && q <= to).toList());
    assertEquals(connectionsBefore + 1, streams.connections(), "one connection per key");
    assertEquals(
        subscriptionsBefore + 1, streams.subscriptions("Q.STRM"), "one subscription for STRM");

    long killedAt = System.nanoTime();
    owner.process().kill();
    nodes.remove(owner);
    try {
      ownerKilled(taps, survivors, killedAt, connectionsBefore);
    } finally {
      taps.forEach(StreamTap::close);
      // The later scenarios start from three nodes again, with no rebalance still moving shards.
      nodes.add(startNode(owner.name(), owner.remotePort()));
      awaitUpMembers(3);
      awaitSettledShards();
    }
  }

  /**
   * Until the symbol shards of every member stay put across two rebalance intervals (10 s): a node
   * that just joined receives shards in rounds.
   */
  private void awaitSettledShards() {
    AtomicReference<Map<String, Set<String>>> last = new AtomicReference<>(Map.of());
    AtomicInteger unchanged = new AtomicInteger();
    Eventually.await(
        Duration.ofSeconds(120),
        "symbol shards settled on the three nodes",
        () -> {
          JsonNode c = cluster();
          Map<String, Set<String>> now = new HashMap<>();
          for (Node n : nodes) now.put(n.name(), symbolShards(c, n));
          // Three equal samples 11 s apart: no rebalance round moved a shard in two intervals.
          boolean settled = unchanged.updateAndGet(n -> now.equals(last.get()) ? n + 1 : 0) >= 2;
          last.set(now);
          if (!settled)
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(11).toNanos());
          return settled;
        });
  }

  private void ownerKilled(
      List<StreamTap> taps, List<Node> survivors, long killedAt, long connectionsBefore) {
    var streams = simulator.simulator().polygonStreams();
    for (StreamTap tap : taps) {
      JsonNode gap = tap.nextEvent("gap", Duration.ofSeconds(60));
      assertEquals("owner-moved", gap.get("reason").asText(), gap.toString());
      assertEquals("STRM", tap.nextEvent("quote", Duration.ofSeconds(30)).get("symbol").asText());
    }
    System.out.printf(
        "STREAM FAILOVER: quotes again %d ms after the owner was killed%n",
        (System.nanoTime() - killedAt) / 1_000_000);
    assertEquals(connectionsBefore + 2, streams.connections(), "the survivor's one new connection");
    assertEquals(0, streams.connectionLimited(), "never a second connection for the key");
    assertEquals(1, streams.open());
    Node newOwner = streamOwner();
    assertTrue(survivors.contains(newOwner), newOwner.name());
  }

  /** The live node owning the Polygon connection, once the admin API lists it streaming. */
  private Node streamOwner() {
    AtomicReference<Node> owner = new AtomicReference<>();
    Eventually.await(
        Duration.ofSeconds(20),
        "the Polygon connection's owner listed live",
        () -> {
          JsonNode c = polygonConnection();
          if (!c.path("state").asText().equals("live")) return false;
          for (Node n : nodes) if (n.address().equals(c.path("node").asText())) owner.set(n);
          return owner.get() != null;
        });
    return owner.get();
  }

  private JsonNode polygonConnection() {
    for (JsonNode c : nodes.get(0).process().adminGet("/api/v1/streams").json().get("connections"))
      if (c.get("provider").asText().equals("polygon")) return c;
    throw new AssertionError("no polygon connection listed");
  }

  /** Provider sequence numbers of the next {@code n} quotes of a tap. */
  private static List<Long> quoteSeqs(StreamTap tap, int n) {
    List<Long> seqs = new ArrayList<>();
    while (seqs.size() < n)
      seqs.add(tap.nextEvent("quote", Duration.ofSeconds(10)).get("seq").asLong());
    return seqs;
  }

  @Test
  @Order(9)
  void aKilledNodesSymbolsAndPendingDeadLettersMoveToTheSurvivors() throws Exception {
    for (int i = 0; i < WARM.size(); i++) {
      assertEquals(
          200, Http.get(nodeAt(i).process().url("/api/v1/quotes/" + WARM.get(i))).status());
    }
    Eventually.await(
        Duration.ofSeconds(20),
        "every warm symbol's last good value stored",
        () -> storedLastGood("FO%") == WARM.size());

    simulator.simulator().setFault("fmp", Fault.of(Fault.Mode.UNAVAILABLE));
    simulator.simulator().setFault("polygon", Fault.of(Fault.Mode.UNAVAILABLE));
    for (int i = 0; i < DEAD_LETTERS.size(); i++) {
      assertEquals(
          503, Http.get(nodeAt(i).process().url("/api/v1/quotes/" + DEAD_LETTERS.get(i))).status());
    }
    simulator.simulator().reset();
    Eventually.await(
        Duration.ofSeconds(20), "10 pending dead letters", () -> pending() == DEAD_LETTERS.size());

    JsonNode before = cluster();
    Node victim =
        nodes.stream()
            .max((a, b) -> Integer.compare(deadLettersOn(before, a), deadLettersOn(before, b)))
            .orElseThrow();
    assertTrue(
        deadLettersOn(before, victim) > 0, "the victim hosts pending dead letters: " + before);
    List<Node> survivors = nodes.stream().filter(n -> n != victim).toList();
    // X: a warm symbol of the victim's shards, asked with no-cache throughout. Chosen again just
    // before the kill, in case a rebalance moved its shard meanwhile.
    AtomicReference<String> xRef =
        new AtomicReference<>(warmSymbolOf(symbolShards(before, victim)));

    ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Sample> coldSamples = new ConcurrentLinkedQueue<>();
    AtomicBoolean loading = new AtomicBoolean(true);
    // On all three HTTP ports until the kill, then on the survivors' (a Service would drop the dead
    // pod).
    AtomicReference<List<Node>> targets = new AtomicReference<>(List.copyOf(nodes));
    CompletableFuture<Void> load =
        CompletableFuture.runAsync(
            () -> {
              int i = 0;
              while (loading.get()) {
                List<Node> to = targets.get();
                Node node = to.get(i++ % to.size());
                // X with no-cache asks its entity every time; other warm symbols as callers ask for
                // them.
                samples.add(sample(node, xRef.get(), "no-cache"));
                samples.add(
                    sample(
                        node,
                        WARM.get(ThreadLocalRandom.current().nextInt(WARM.size())),
                        "max-age=300"));
              }
            });
    Eventually.await(
        Duration.ofSeconds(10),
        "load running on every node",
        () ->
            nodes.stream()
                .allMatch(n -> samples.stream().anyMatch(s -> s.node().equals(n.name()))));

    Set<String> victimShards = symbolShards(cluster(), victim);
    if (!victimShards.contains(SHARDS.shardId(xRef.get()))) xRef.set(warmSymbolOf(victimShards));
    String x = xRef.get();
    // A symbol of the victim's shards that nobody asked for yet.
    String cold =
        IntStream.range(0, 10_000)
            .mapToObj(i -> String.format("CX%04d", i))
            .filter(s -> victimShards.contains(SHARDS.shardId(s)))
            .findFirst()
            .orElseThrow();
    long killedAt = System.currentTimeMillis();
    targets.set(survivors);
    victim.process().kill();
    nodes.remove(victim);
    // When each survivor's membership first showed the victim unreachable, and when it was gone.
    Map<String, Long> flaggedAt = new java.util.concurrent.ConcurrentHashMap<>();
    Map<String, Long> removedAt = new java.util.concurrent.ConcurrentHashMap<>();
    CompletableFuture<Void> membership =
        CompletableFuture.runAsync(
            () -> {
              while (loading.get()) {
                for (Node n : survivors) {
                  // Pekko Management's view: no sharding statistics to wait for.
                  JsonNode view = n.process().managementGet("/cluster/members").json();
                  boolean member = false;
                  for (JsonNode m : view.get("members"))
                    member |= m.get("node").asText().equals(victim.address());
                  boolean unreachable = false;
                  for (JsonNode u : view.get("unreachable"))
                    unreachable |= u.get("node").asText().equals(victim.address());
                  long now = System.currentTimeMillis();
                  if (unreachable) flaggedAt.putIfAbsent(n.name(), now);
                  if (!member) removedAt.putIfAbsent(n.name(), now);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(
                    TimeUnit.MILLISECONDS.toNanos(100));
              }
            });
    // The never-fetched symbol, asked on the survivors in turn, ten times a second, to the end.
    CompletableFuture<Void> coldLoad =
        CompletableFuture.runAsync(
            () -> {
              int i = 0;
              long next = System.nanoTime();
              while (loading.get()) {
                coldSamples.add(sample(survivors.get(i++ % survivors.size()), cold, null));
                next += TimeUnit.MILLISECONDS.toNanos(100);
                long wait = next - System.nanoTime();
                if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
              }
            });
    Eventually.await(
        Duration.ofSeconds(60),
        x + " answered by its entity on a survivor again",
        () ->
            samples.stream()
                .anyMatch(
                    s ->
                        s.symbol().equals(x)
                            && s.atMillis() > killedAt
                            && s.fresh()
                            && !s.direct()));
    long entityBackAt =
        firstAnswered(samples, s -> s.symbol().equals(x) && s.fresh() && !s.direct(), killedAt);
    Eventually.await(
        Duration.ofSeconds(20),
        "the victim removed on both survivors, and the cold symbol answered",
        () -> removedAt.size() == survivors.size() && coldSamples.stream().anyMatch(Sample::fresh));
    // Once the shards have moved (removal, margin, 5 s of moving shards) the cluster fetches each
    // key once again; the load goes on past that.
    long settledAt =
        removedAt.values().stream().mapToLong(Long::longValue).max().orElseThrow() + 7_000;
    Eventually.await(
        Duration.ofSeconds(20),
        "load after the cluster settled",
        () ->
            samples.stream()
                .anyMatch(s -> s.atMillis() > Math.max(settledAt, entityBackAt) + 1000));
    loading.set(false);
    load.get(20, TimeUnit.SECONDS);
    coldLoad.get(20, TimeUnit.SECONDS);
    membership.get(20, TimeUnit.SECONDS);

    long freshAt = firstAnswered(samples, s -> s.symbol().equals(x) && s.fresh(), killedAt);
    long coldAt = firstAnswered(coldSamples, Sample::fresh, killedAt);
    long flagged = flaggedAt.values().stream().mapToLong(Long::longValue).min().orElseThrow();
    System.out.printf(
        "FAILOVER %s killed; %s unreachable after %d ms; %s (no-cache) fresh after %d ms, from its"
            + " entity again after %d ms; never-fetched %s answered after %d ms%n",
        victim.name(),
        victim.name(),
        flagged - killedAt,
        x,
        freshAt - killedAt,
        entityBackAt - killedAt,
        cold,
        coldAt - killedAt);
    assertTrue(
        freshAt - killedAt <= 30_000, x + " fresh within 30 s: " + (freshAt - killedAt) + " ms");
    assertTrue(
        coldAt - killedAt <= 30_000,
        cold + " answered within 30 s: " + (coldAt - killedAt) + " ms");

    // A request that was on its way to the victim when it died is lost with it; every other is
    // answered.
    List<Sample> failed =
        samples.stream().filter(s -> s.status() != 200 && !s.node().equals(victim.name())).toList();
    assertEquals(List.of(), failed, "no error for symbols with a last good value");
    // A never-fetched symbol has no last good value: asked before the survivor saw its member
    // unreachable, it waits for the dead entity and may fail; after that it never does.
    List<Sample> coldFailed =
        coldSamples.stream()
            .filter(
                s ->
                    s.status() != 200
                        && s.atMillis() > flaggedAt.getOrDefault(s.node(), Long.MAX_VALUE))
            .toList();
    assertEquals(List.of(), coldFailed, "the cold symbol once its member was seen unreachable");
    // Sent before the survivor saw the victim unreachable (a second before it noticed, to leave
    // its polling out), a request for X could only be answered stale from the last-good store.
    List<Sample> freshBeforeFlag =
        samples.stream()
            .filter(
                s ->
                    s.symbol().equals(x)
                        && s.atMillis() > killedAt
                        && s.atMillis() < flaggedAt.getOrDefault(s.node(), killedAt) - 1000
                        && !s.stale())
            .toList();
    assertEquals(List.of(), freshBeforeFlag, "only the last good value before the flag");

    // While the victim was unreachable each survivor fetched a key at most once at a time, and a
    // key its callers asked with max-age at most once.
    long windowStart = flagged;
    long windowEnd = removedAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    List<CallLog.Call> unreachableWindow =
        simulator.simulator().calls().calls().stream()
            .filter(c -> c.startedAtMs() >= windowStart && c.startedAtMs() <= windowEnd)
            .toList();
    CallLogAssertions.assertNoOverlappingCallsPerKeyAndCaller(unreachableWindow);
    // X is asked with no-cache, which needs a new fetch each time: only the overlap check holds.
    Map<String, Long> perKeyAndNode =
        unreachableWindow.stream()
            .filter(c -> !c.symbol().equals(x))
            .collect(
                java.util.stream.Collectors.groupingBy(
                    c -> c.symbol() + " from " + c.caller(),
                    java.util.stream.Collectors.counting()));
    perKeyAndNode.forEach(
        (keyAndNode, count) ->
            assertTrue(
                count <= 1, keyAndNode + " called " + count + " times: " + unreachableWindow));
    assertTrue(
        samples.stream().anyMatch(s -> s.symbol().equals(x) && s.fresh() && s.direct()),
        x + " was answered by a survivor's own fetch before its entity was back");
    assertTrue(
        unreachableWindow.stream().anyMatch(c -> c.symbol().equals(cold)),
        "the cold symbol was fetched directly while its member was unreachable");

    Eventually.await(
        Duration.ofSeconds(90),
        "every dead letter retried to success on the survivors",
        () -> pending() == 0 && failed() == 0);
    List<CallLog.Call> calls = simulator.simulator().calls().calls();
    for (String d : DEAD_LETTERS) {
      assertTrue(
          calls.stream().anyMatch(c -> c.symbol().equals(d) && c.status() == 200),
          d + " was retried successfully");
    }
    CallLogAssertions.assertNoOverlappingCallsPerKeyAndCaller(calls);
    // Before the kill and after the cluster settled: one fetch per key in the whole cluster.
    CallLogAssertions.assertNoOverlappingCallsPerKey(
        calls.stream()
            .filter(c -> c.startedAtMs() < killedAt || c.startedAtMs() > settledAt)
            .toList());
    assertTrue(
        calls.stream().anyMatch(c -> c.startedAtMs() > settledAt),
        "calls after the cluster settled were checked");
  }

  private Set<String> symbolShards(JsonNode cluster, Node node) {
    Set<String> shards = new java.util.HashSet<>();
    hosted(cluster, node, "symbol")
        .ifPresent(s -> s.get("shard_ids").forEach(id -> shards.add(id.asText())));
    return shards;
  }

  private static String warmSymbolOf(Set<String> shards) {
    return WARM.stream()
        .filter(s -> shards.contains(SHARDS.shardId(s)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no warm symbol in the shards " + shards));
  }

  /**
   * When the first answer that matches came back, among requests sent after {@code since}: the time
   * a caller who asked then had it.
   */
  private static long firstAnswered(
      ConcurrentLinkedQueue<Sample> samples,
      java.util.function.Predicate<Sample> matching,
      long since) {
    return samples.stream()
        .filter(s -> s.atMillis() > since && matching.test(s))
        .mapToLong(Sample::answeredAtMillis)
        .min()
        .orElseThrow();
  }

  private static Sample sample(Node node, String symbol, String cacheControl) {
    long sentAt = System.currentTimeMillis();
    try {
      String url = node.process().url("/api/v1/quotes/" + symbol);
      Http.Answer answer =
          cacheControl == null ? Http.get(url) : Http.get(url, "Cache-Control", cacheControl);
      boolean ok = answer.status() == 200;
      return new Sample(
          node.name(),
          sentAt,
          System.currentTimeMillis(),
          symbol,
          answer.status(),
          ok && answer.json().get("stale").asBoolean(),
          ok && answer.json().at("/metadata/direct").asBoolean());
    } catch (RuntimeException connectionLost) {
      return new Sample(node.name(), sentAt, System.currentTimeMillis(), symbol, -1, false, false);
    }
  }

  private int deadLettersOn(JsonNode cluster, Node node) {
    return hosted(cluster, node, "dead_letter").map(t -> t.get("entities").asInt()).orElse(0);
  }

  private long pending() {
    return nodes
        .get(0)
        .process()
        .adminGet("/api/v1/dlq?status=pending")
        .json()
        .get("total")
        .asLong();
  }

  private long failed() {
    return nodes
        .get(0)
        .process()
        .adminGet("/api/v1/dlq?status=failed")
        .json()
        .get("total")
        .asLong();
  }

  private long storedLastGood(String symbolPattern) throws Exception {
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT COUNT(*) FROM last_good WHERE symbol LIKE '" + symbolPattern + "'")) {
      r.next();
      return r.getLong(1);
    }
  }

  @Test
  @Order(10)
  void scalingOutFromThreeToFiveMovesShardsOntoTheNewNodes() {
    // The killed node's replacement first: three members again.
    startNodes(List.of("n3"), List.of(FreePorts.next()));
    awaitUpMembers(3);
    startNodes(List.of("n4", "n5"), List.of(FreePorts.next(), FreePorts.next()));
    awaitUpMembers(5);
    List<Node> added = List.copyOf(nodes.subList(3, 5));
    Eventually.await(
        Duration.ofSeconds(60),
        "each new node hosts symbol shards",
        () -> {
          JsonNode now = cluster();
          return added.stream()
              .allMatch(
                  n ->
                      hosted(now, n, "symbol").map(t -> t.get("shards").asInt() > 0).orElse(false));
        });
    JsonNode after = cluster();
    StringBuilder distribution = new StringBuilder();
    for (Node n : nodes)
      distribution
          .append(' ')
          .append(n.name())
          .append('=')
          .append(hosted(after, n, "symbol").map(t -> t.get("shards").asInt()).orElse(0));
    System.out.println("SCALE-OUT symbol shards per node:" + distribution);
  }

  @Test
  @Order(11)
  void scalingInBySigtermOneAtATimeFailsNoRequestSentToReadyNodes() throws Exception {
    assertEquals(5, nodes.size());
    Set<Node> ready = java.util.concurrent.ConcurrentHashMap.newKeySet();
    ready.addAll(nodes);
    AtomicBoolean running = new AtomicBoolean(true);
    // As a Kubernetes Service does: send only to nodes whose /ready answers 200.
    CompletableFuture<Void> readiness =
        CompletableFuture.runAsync(
            () -> {
              while (running.get()) {
                for (Node n : nodes) {
                  if (n.process().readyNow()) ready.add(n);
                  else ready.remove(n);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
              }
            });
    AtomicInteger sent = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    CompletableFuture<Void> load =
        CompletableFuture.runAsync(
            () -> {
              long next = System.nanoTime();
              while (running.get()) {
                List<Node> targets = List.copyOf(ready);
                if (!targets.isEmpty()) {
                  Node to = targets.get(ThreadLocalRandom.current().nextInt(targets.size()));
                  String symbol = WARM.get(ThreadLocalRandom.current().nextInt(WARM.size()));
                  sent.incrementAndGet();
                  try {
                    Http.Answer a = Http.get(to.process().url("/api/v1/quotes/" + symbol));
                    if (a.status() != 200)
                      failures.add(to.name() + " " + symbol + " -> " + a.status() + " " + a.body());
                  } catch (RuntimeException e) {
                    failures.add(to.name() + " " + symbol + " -> " + e);
                  }
                }
                next += TimeUnit.MILLISECONDS.toNanos(20); // a fixed rate of 50 requests per second
                long wait = next - System.nanoTime();
                if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
              }
            });
    try {
      for (int i = 0; i < 3; i++) {
        Node leaving = nodes.get(nodes.size() - 1);
        long signalled = System.currentTimeMillis();
        leaving.process().terminate(Duration.ofSeconds(45));
        nodes.remove(leaving);
        System.out.printf(
            "SCALE-IN %s left %d ms after SIGTERM%n",
            leaving.name(), System.currentTimeMillis() - signalled);
        awaitUpMembers(nodes.size());
      }
    } finally {
      running.set(false);
      load.get(20, TimeUnit.SECONDS);
      readiness.get(20, TimeUnit.SECONDS);
    }
    assertEquals(List.of(), List.copyOf(failures), "no failed request among " + sent.get());
    assertTrue(sent.get() > 200, "the load ran throughout: " + sent.get());
  }
}
