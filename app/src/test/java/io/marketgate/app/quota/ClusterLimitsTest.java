package io.marketgate.app.quota;

import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.app.sim.CallLog;
import io.marketgate.app.sim.Fault;
import io.marketgate.app.testkit.Eventually;
import io.marketgate.app.testkit.FreePorts;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.SharedSimulator;
import io.marketgate.app.testkit.TestDatabase;
import io.marketgate.app.testkit.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Limits that hold for the cluster as a whole, with several nodes in one JVM on one PostgreSQL
 * database: {@code FMP_RATE_LIMIT=30} (300 cold requests spread over three nodes, and a fourth that
 * joins halfway, send at most 30 calls to FMP in any 60 s window; the rest fall back to Polygon
 * without a call to FMP), and a client's requests per minute however many nodes it asks.
 */
@ExtendWith(LogCapturingExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterLimitsTest {
  private static final int LIMIT = 30;
  private static final String CLIENT = "cluster-client-key-00000003";
  private static final int CLIENT_LIMIT = 30;
  private static SharedSimulator simulator;
  private static TestDatabase database;
  private static final List<TestNode> nodes = new ArrayList<>();
  private static String config;

  @BeforeAll
  static void start() {
    simulator = SharedSimulator.start();
    database = TestDatabase.create();
    int seedPort = FreePorts.next();
    config =
        String.join(
            "\n",
            "marketgate.cluster.discovery = seeds",
            "marketgate.cluster.seed-nodes = \"127.0.0.1:" + seedPort + "\"",
            "marketgate.providers.fmp.rate-limit = " + LIMIT,
            "marketgate.security.clients = \"" + CLIENT + "=pro\"",
            "marketgate.security.profiles.pro.rate-limit = " + CLIENT_LIMIT,
            simulator.providerConfig());
    nodes.add(TestNode.start(config, seedPort, database));
    nodes.add(TestNode.start(config, FreePorts.next(), database));
    nodes.add(TestNode.start(config, FreePorts.next(), database));
    awaitUp(3);
  }

  @AfterAll
  static void stop() {
    for (int i = nodes.size() - 1; i >= 0; i--) nodes.get(i).close();
    simulator.close();
    database.close();
  }

  private static void awaitUp(int n) {
    Eventually.await(
        Duration.ofSeconds(30),
        n + " Up members on every node",
        () -> nodes.stream().allMatch(node -> upMembers(node) == n));
  }

  private static long upMembers(TestNode node) {
    long up = 0;
    for (var m : Cluster.get(node.system()).state().getMembers())
      if (m.status() == MemberStatus.up()) up++;
    return up;
  }

  private static void spread(int from, int to) {
    List<CompletableFuture<Http.Answer>> answers = new ArrayList<>();
    for (int i = from; i < to; i++) {
      TestNode node = nodes.get(i % nodes.size());
      answers.add(Http.getAsync(node.url("/api/v1/quotes/QT" + i)));
      if (answers.size() == 25) {
        answers.forEach(a -> assertEquals(200, a.join().status(), a.join().body()));
        answers.clear();
      }
    }
    answers.forEach(a -> assertEquals(200, a.join().status(), a.join().body()));
  }

  // First: the client test's quotes cost FMP calls too, which would take from FMP's quota.
  @Test
  @Order(1)
  void noSixtySecondWindowHoldsMoreCallsThanTheLimitWhileTheClusterGrows() {
    simulator.simulator().reset();
    simulator.simulator().setFault("fmp", Fault.latency(20));
    spread(0, 150);
    nodes.add(TestNode.start(config, FreePorts.next(), database));
    awaitUp(4);
    spread(150, 300);

    List<CallLog.Call> fmp = simulator.simulator().callsOf("fmp");
    for (CallLog.Call start : fmp) {
      long inWindow =
          fmp.stream()
              .filter(
                  c ->
                      c.startedAtMs() >= start.startedAtMs()
                          && c.startedAtMs() < start.startedAtMs() + 60_000)
              .count();
      assertTrue(
          inWindow <= LIMIT, inWindow + " FMP calls in the 60 s from " + start.startedAtMs());
    }
    assertTrue(
        fmp.size() >= LIMIT - 5, "the quota is used, not only kept: " + fmp.size() + " FMP calls");
    assertEquals(
        300 - fmp.size(),
        simulator.simulator().callsOf("polygon").size(),
        "every other request fell back to Polygon");

    long refused = nodes.stream().mapToLong(n -> refusedByQuota(n)).sum();
    assertEquals(300 - fmp.size(), refused, "each fallback was a quota refusal without a call");
  }

  private static long refusedByQuota(TestNode node) {
    for (var p : node.adminGet("/api/v1/providers").json().get("providers")) {
      if (p.get("name").asText().equals("fmp")) return p.get("calls_refused_by_quota").asLong();
    }
    throw new AssertionError("no fmp");
  }

  @Test
  @Order(2)
  void aClientsRateHoldsHoweverManyNodesItAsks() {
    // Each node's first request for the client finds its limiter entity; if that first ask times
    // out
    // (the shard is still being allocated), one lease's worth (here 1) passes uncounted: the
    // tolerance.
    long warmed = 0;
    for (TestNode node : nodes)
      if (Http.get(node.url("/api/v1/quotes/CLW"), "X-API-Key", CLIENT).status() == 200) warmed++;
    List<CompletableFuture<Http.Answer>> answers = new ArrayList<>();
    for (int i = 0; i < 3 * CLIENT_LIMIT; i++) {
      TestNode node = nodes.get(i % nodes.size());
      answers.add(Http.getAsync(node.url("/api/v1/quotes/CL" + (i % 5)), "X-API-Key", CLIENT));
      if (answers.size() % 15 == 0) answers.forEach(CompletableFuture::join);
    }
    long throttled = answers.stream().filter(a -> a.join().status() == 429).count();
    long accepted = warmed + answers.stream().filter(a -> a.join().status() == 200).count();
    assertEquals(
        answers.size() + nodes.size(),
        accepted + throttled,
        "every request was served or throttled");
    int tolerance = nodes.size(); // one lease (1 permit at 30/min) per node, as documented
    assertTrue(
        accepted <= CLIENT_LIMIT + tolerance,
        accepted
            + " requests accepted within the minute, limit "
            + CLIENT_LIMIT
            + " + "
            + tolerance);
    // Each node may hold a lease it has not used up yet: that share is refused, never exceeded.
    assertTrue(
        accepted >= CLIENT_LIMIT - nodes.size(), "the limit is used, not only kept: " + accepted);
    answers.stream()
        .filter(a -> a.join().status() == 429)
        .forEach(
            a -> assertNotNull(a.join().header("Retry-After"), "every 429 says when to come back"));
  }
}
