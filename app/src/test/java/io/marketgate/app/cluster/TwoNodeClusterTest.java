package io.marketgate.app.cluster;

import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.app.sim.Fault;
import io.marketgate.app.testkit.Eventually;
import io.marketgate.app.testkit.FreePorts;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.SharedSimulator;
import io.marketgate.app.testkit.TestDatabase;
import io.marketgate.app.testkit.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two nodes started with MARKETGATE_DISCOVERY=seeds form one cluster and share the entities. */
@ExtendWith(LogCapturingExtension.class)
class TwoNodeClusterTest {
  private static SharedSimulator simulator;
  private static TestDatabase database;
  private static TestNode first;
  private static TestNode second;

  @BeforeAll
  static void start() {
    simulator = SharedSimulator.start();
    database = TestDatabase.create();
    int firstPort = FreePorts.next();
    String seeds =
        "marketgate.cluster.discovery = seeds\nmarketgate.cluster.seed-nodes = \"127.0.0.1:"
            + firstPort
            + "\"\n"
            + simulator.providerConfig();
    first = TestNode.start(seeds, firstPort, database);
    second = TestNode.start(seeds, FreePorts.next(), database);
  }

  @AfterAll
  static void stop() {
    if (second != null) second.close();
    if (first != null) first.close();
    simulator.close();
    database.close();
  }

  @Test
  void bothNodesSeeOneClusterOfTwo() {
    Eventually.await(
        Duration.ofSeconds(20),
        "two Up members on both nodes",
        () -> upMembers(first) == 2 && upMembers(second) == 2);
  }

  @Test
  void concurrentRequestsToBothNodesForOneColdSymbolCostOneCall() {
    Eventually.await(
        Duration.ofSeconds(20),
        "two Up members",
        () -> upMembers(first) == 2 && upMembers(second) == 2);
    simulator.simulator().reset();
    simulator.simulator().setFault("fmp", Fault.latency(200));
    List<CompletableFuture<Http.Answer>> requests = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      requests.add(Http.getAsync(first.url("/api/v1/quotes/TWONODE")));
      requests.add(Http.getAsync(second.url("/api/v1/quotes/TWONODE")));
    }
    Set<String> data = new HashSet<>();
    for (CompletableFuture<Http.Answer> r : requests) {
      Http.Answer a = r.join();
      assertEquals(200, a.status(), a.body());
      data.add(a.json().get("data").toString());
    }
    assertEquals(
        1, simulator.simulator().calls().count("fmp"), "one provider call for the whole cluster");
    assertEquals(0, simulator.simulator().calls().count("polygon"));
    assertEquals(1, data.size());
  }

  @Test
  void aRefreshOnOneNodeReplacesTheOtherNodesNearCacheCopy() {
    Eventually.await(
        Duration.ofSeconds(20),
        "two Up members",
        () -> upMembers(first) == 2 && upMembers(second) == 2);
    simulator.simulator().reset();
    assertEquals(200, Http.get(first.url("/api/v1/quotes/NEARX")).status());
    Http.Answer copy = Http.get(second.url("/api/v1/quotes/NEARX"));
    assertTrue(copy.json().get("cached").asBoolean());
    String before = copy.json().get("fetched_at").asText();
    assertEquals(
        before,
        Http.get(second.url("/api/v1/quotes/NEARX")).json().get("fetched_at").asText(),
        "served from the copy");

    String refreshed =
        Http.get(first.url("/api/v1/quotes/NEARX"), "Cache-Control", "no-cache")
            .json()
            .get("fetched_at")
            .asText();
    assertNotEquals(before, refreshed);
    Eventually.await(
        Duration.ofSeconds(5),
        "the second node's copy replaced",
        () ->
            Http.get(second.url("/api/v1/quotes/NEARX"))
                .json()
                .get("fetched_at")
                .asText()
                .equals(refreshed));
    assertEquals(2, simulator.simulator().calls().count("fmp"), "one fetch, one refresh");
  }

  private static long upMembers(TestNode node) {
    var members = Cluster.get(node.system()).state().getMembers();
    long up = 0;
    for (var m : members) if (m.status() == MemberStatus.up()) up++;
    return up;
  }
}
