package io.marketgate.app.stream;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.sim.ProviderSimulator;
import io.marketgate.app.stream.upstream.StreamSubscriptions;
import io.marketgate.app.testkit.Eventually;
import io.marketgate.app.testkit.FreePorts;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.MetricsScrape;
import io.marketgate.app.testkit.SharedSimulator;
import io.marketgate.app.testkit.TestDatabase;
import io.marketgate.app.testkit.TestNode;
import io.marketgate.protocol.stream.StreamChannel;
import io.marketgate.protocol.stream.StreamEvent;
import io.marketgate.protocol.stream.StreamGap;
import io.marketgate.protocol.stream.StreamQuote;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The cluster's one Polygon connection, owned by a sharded entity, on two nodes of one JVM with a
 * shared simulator: subscribers on both nodes share it, every event after an acknowledgement
 * arrives, a drop reconnects with a gap, the last subscriber leaving unsubscribes and closes it,
 * and the owner leaving hands the connection over without a second one ever being opened.
 */
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpstreamConnectionTest {
  private static final Duration ACK = Duration.ofSeconds(15);

  private SharedSimulator simulator;
  private TestDatabase database;
  private TestNode first;
  private TestNode second;

  @BeforeAll
  void start() {
    simulator = SharedSimulator.start();
    database = TestDatabase.create();
    int firstPort = FreePorts.next();
    String config =
        String.join(
            "\n",
            "marketgate.cluster.discovery = seeds",
            "marketgate.cluster.seed-nodes = \"127.0.0.1:" + firstPort + "\"",
            "marketgate.streams.renew-interval = 1s",
            "marketgate.streams.unsubscribe-grace = 1s",
            "marketgate.streams.reconnect.min-backoff = 100ms",
            "marketgate.streams.reconnect.max-backoff = 1s",
            simulator.providerConfig());
    first = TestNode.start(config, firstPort, database);
    second = TestNode.start(config, FreePorts.next(), database);
    Eventually.await(Duration.ofSeconds(30), "two Up members", () -> upMembers(first) == 2);
  }

  @AfterAll
  void stop() {
    if (second != null) second.close();
    if (first != null) first.close();
    if (simulator != null) simulator.close();
    if (database != null) database.close();
  }

  private static int upMembers(TestNode node) {
    int up = 0;
    for (JsonNode m : node.adminGet("/api/v1/cluster").json().get("members"))
      if (m.get("status").asText().equals("Up")) up++;
    return up;
  }

  private ProviderSimulator.PolygonStreams streams() {
    return simulator.simulator().polygonStreams();
  }

  private static StreamSubscriptions.Subscription subscribe(
      TestNode node, String symbol, TestProbe<StreamEvent> consumer) {
    return node.node()
        .streams()
        .subscribe("polygon", StreamChannel.QUOTES, symbol, consumer.ref(), ACK)
        .toCompletableFuture()
        .join();
  }

  /** Polygon's connection as the admin API lists it. */
  private static JsonNode connection(TestNode node) {
    Http.Answer answer = node.adminGet("/api/v1/streams");
    assertEquals(200, answer.status(), answer.body());
    for (JsonNode c : answer.json().get("connections"))
      if (c.get("provider").asText().equals("polygon")) return c;
    throw new AssertionError("no polygon connection: " + answer.body());
  }

  /** Once its owner is found (the receptionist tells every node within moments). */
  private static JsonNode runningConnection(TestNode node) {
    Eventually.await(
        Duration.ofSeconds(10),
        "the running connection listed",
        () -> !connection(node).get("state").asText().equals("idle"));
    return connection(node);
  }

  /** The quotes a consumer receives next, gaps skipped. */
  private static List<StreamQuote> quotes(TestProbe<StreamEvent> consumer, int n) {
    List<StreamQuote> quotes = new ArrayList<>();
    while (quotes.size() < n) {
      if (consumer.receiveMessage(Duration.ofSeconds(5)) instanceof StreamQuote q) quotes.add(q);
    }
    return quotes;
  }

  @Test
  @Order(1)
  void subscribersOnTwoNodesShareOneConnectionAndReceiveTheSameEventsAfterTheirAcknowledgement() {
    streams().fault("none");
    TestProbe<StreamEvent> onFirst = first.testKit().createTestProbe();
    TestProbe<StreamEvent> onSecond = second.testKit().createTestProbe();
    var a = subscribe(first, "AAPL", onFirst);
    var b = subscribe(second, "AAPL", onSecond);

    List<StreamQuote> seenFirst = quotes(onFirst, 30);
    List<StreamQuote> seenSecond = quotes(onSecond, 30);
    // Both were acknowledged before either list began: from the later first event to the earlier
    // last one, each received every quote the other did, in the same order.
    long from = Math.max(seenFirst.get(0).seq(), seenSecond.get(0).seq());
    long to = Math.min(seenFirst.get(29).seq(), seenSecond.get(29).seq());
    List<Long> firstSeqs = seqs(seenFirst, from, to);
    assertTrue(firstSeqs.size() >= 10, "overlapping quotes: " + firstSeqs);
    assertEquals(firstSeqs, seqs(seenSecond, from, to));
    assertTrue(seenFirst.stream().allMatch(q -> q.symbol().equals("AAPL")));

    assertEquals(1, streams().connections(), "one connection for the whole cluster");
    assertEquals(1, streams().subscriptions("Q.AAPL"), "one upstream subscription for AAPL");
    JsonNode c = runningConnection(second);
    assertEquals("live", c.get("state").asText());
    assertEquals(2, c.get("subscriptions").get(0).get("subscribers").asInt(), c.toString());
    assertFalse(c.toString().contains("test-polygon-stream-key"), "the key is never shown");
    a.cancel();
    b.cancel();
  }

  private static List<Long> seqs(List<StreamQuote> quotes, long from, long to) {
    return quotes.stream().map(StreamQuote::seq).filter(s -> s >= from && s <= to).toList();
  }

  @Test
  @Order(2)
  void aDroppedConnectionIsOpenedAgainResubscribedAndSubscribersGetAGap() {
    TestProbe<StreamEvent> consumer = second.testKit().createTestProbe();
    var s = subscribe(second, "MSFT", consumer);
    StreamQuote before = quotes(consumer, 3).get(2);
    long connections = streams().connections();
    long reconnects = runningConnection(first).get("reconnects").asLong();

    streams().fault("drop");
    StreamGap gap = null;
    while (gap == null) {
      if (consumer.receiveMessage(Duration.ofSeconds(10)) instanceof StreamGap g) gap = g;
    }
    assertEquals("MSFT", gap.symbol());
    assertEquals("reconnected", gap.reason());
    assertFalse(
        gap.from().isBefore(before.eventTime()), "the gap starts at the last quote: " + gap);
    assertFalse(gap.eventTime().isBefore(gap.from()), gap.toString());
    assertEquals("MSFT", quotes(consumer, 1).get(0).symbol(), "quotes again after the gap");
    assertEquals(connections + 1, streams().connections());
    assertEquals(2, streams().subscriptions("Q.MSFT"), "subscribed again on the new connection");
    assertEquals(reconnects + 1, connection(first).get("reconnects").asLong());
    Eventually.await(
        Duration.ofSeconds(10),
        "stream_reconnects_total{provider=polygon} on the owner's node",
        () ->
            MetricsScrape.fetch(first, "stream_reconnects_total", "provider", "polygon").orElse(0.0)
                    + MetricsScrape.fetch(second, "stream_reconnects_total", "provider", "polygon")
                        .orElse(0.0)
                >= 1);
    s.cancel();
  }

  @Test
  @Order(3)
  void theLastSubscriberLeavingUnsubscribesAfterTheGraceAndThenTheConnectionCloses() {
    TestProbe<StreamEvent> consumer = first.testKit().createTestProbe();
    var s = subscribe(first, "NVDA", consumer);
    quotes(consumer, 1);
    s.cancel();
    Eventually.await(
        Duration.ofSeconds(10),
        "NVDA unsubscribed upstream",
        () -> streams().unsubscriptions("Q.NVDA") == 1);
    // Every subscription of the earlier tests was cancelled too: nothing is left to stream.
    Eventually.await(
        Duration.ofSeconds(15), "the idle connection closed", () -> streams().open() == 0);
    assertEquals(0, streams().connectionLimited());
  }

  @Test
  @Order(4)
  void theOwnerLeavingHandsTheConnectionOverWithoutASecondOneEverOpen() {
    TestProbe<StreamEvent> onFirst = first.testKit().createTestProbe();
    TestProbe<StreamEvent> onSecond = second.testKit().createTestProbe();
    subscribe(first, "AMZN", onFirst);
    subscribe(second, "AMZN", onSecond);
    String owner = runningConnection(first).get("node").asText();
    TestNode leaving = owner.endsWith(":" + first.remotePort()) ? first : second;
    TestNode staying = leaving == first ? second : first;
    TestProbe<StreamEvent> survivor = leaving == first ? onSecond : onFirst;
    quotes(survivor, 3);
    long connections = streams().connections();

    leaving.close();
    if (leaving == first) first = null;
    else second = null;
    StreamGap gap = null;
    while (gap == null) {
      if (survivor.receiveMessage(Duration.ofSeconds(30)) instanceof StreamGap g) gap = g;
    }
    assertEquals("owner-moved", gap.reason(), gap.toString());
    assertEquals("AMZN", quotes(survivor, 3).get(0).symbol(), "quotes again from the new owner");
    assertEquals(connections + 1, streams().connections(), "the new owner's connection");
    assertEquals(0, streams().connectionLimited(), "never two connections for the key at once");
    Eventually.await(
        Duration.ofSeconds(10),
        "the survivor listed as the owner",
        () -> connection(staying).path("node").asText().endsWith(":" + staying.remotePort()));
  }
}
