package io.marketgate.app.durable;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.sim.CallLog;
import io.marketgate.app.sim.Fault;
import io.marketgate.app.testkit.Eventually;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.MetricsScrape;
import io.marketgate.app.testkit.SharedSimulator;
import io.marketgate.app.testkit.TestDatabase;
import io.marketgate.app.testkit.TestNode;
import io.marketgate.persistence.dlq.DlqEntity;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.DeadLetterEvents;
import io.marketgate.protocol.FetchKey;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The durable dead-letter queue on one node over real HTTP: retry schedule read from the
 * simulator's call log, closing on success, escalation and replay, and no provider key in any
 * stored record.
 */
@ExtendWith(LogCapturingExtension.class)
class DeadLetterQueueTest {
  private static final String FMP_KEY = "fmp-secret-key-0042";
  private static final String POLYGON_KEY = "polygon-secret-key-0043";
  private static SharedSimulator simulator;
  private static TestDatabase database;
  private static TestNode node;

  @BeforeAll
  static void start() {
    simulator = SharedSimulator.start();
    database = TestDatabase.create();
    node =
        TestNode.start(
            simulator
                    .providerConfig()
                    .replace("test-fmp-key", FMP_KEY)
                    .replace("test-polygon-key", POLYGON_KEY)
                + "\nmarketgate.providers.fmp.circuit-breaker.threshold = 20"
                + "\nmarketgate.providers.polygon.circuit-breaker.threshold = 20",
            0,
            database);
  }

  @AfterAll
  static void stop() {
    node.close();
    simulator.close();
    database.close();
  }

  @BeforeEach
  void healthy() {
    simulator.simulator().reset();
  }

  private static List<CallLog.Call> callsFor(String symbol) {
    List<CallLog.Call> calls = new ArrayList<>();
    for (CallLog.Call c : simulator.simulator().calls().calls())
      if (c.symbol().equals(symbol)) calls.add(c);
    return calls;
  }

  private static JsonNode dlq(String status) {
    return node.adminGet("/api/v1/dlq?status=" + status).json();
  }

  private static boolean listed(String status, String id) {
    for (JsonNode e : dlq(status).get("entries")) if (e.get("id").asText().equals(id)) return true;
    return false;
  }

  private static String statusOf(String id) throws Exception {
    try (Connection c = database.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT status FROM dlq_entries WHERE entry_id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  @Test
  void retriesAfterOneTwoFourSecondsAndASuccessClosesTheEntryAndRefreshesTheCache()
      throws Exception {
    String symbol = "DLQOK";
    String id = DlqEntity.entryId(FetchKey.of(Dataset.QUOTE, symbol));
    // Both providers fail the request and the first retry; FMP answers the second retry. (A 429
    // would rest the single key for its cool-down and the retries would call nobody.)
    simulator.simulator().setFault("fmp", Fault.of(Fault.Mode.UNAVAILABLE).times(2));
    simulator.simulator().setFault("polygon", Fault.of(Fault.Mode.UNAVAILABLE).times(2));

    Http.Answer first = Http.get(node.url("/api/v1/quotes/" + symbol));
    assertEquals(503, first.status());
    Eventually.await(Duration.ofSeconds(5), "a pending entry", () -> listed("pending", id));
    assertEquals(
        409,
        node.adminPost("/api/v1/dlq/" + id + "/replay", "").status(),
        "a pending entry cannot be replayed");
    Eventually.await(
        Duration.ofSeconds(15), "the entry closed", () -> "closed".equals(statusOf(id)));

    List<CallLog.Call> calls = callsFor(symbol);
    assertEquals(
        5, calls.size(), "request (2 calls), retry 1 (2 calls), retry 2 (1 call): " + calls);
    long retry1Wait = calls.get(2).startedAtMs() - calls.get(1).endedAtMs();
    long retry2Wait = calls.get(4).startedAtMs() - calls.get(3).endedAtMs();
    // Each wait is the backoff plus up to 10 % jitter, within 250 ms.
    assertTrue(
        retry1Wait >= 1000 - 250 && retry1Wait <= 1100 + 250,
        "first retry after " + retry1Wait + " ms");
    assertTrue(
        retry2Wait >= 2000 - 250 && retry2Wait <= 2200 + 250,
        "second retry after " + retry2Wait + " ms");

    Http.Answer after = Http.get(node.url("/api/v1/quotes/" + symbol));
    assertEquals(200, after.status());
    assertTrue(after.json().get("cached").asBoolean(), "the retried value is served from cache");
    assertEquals(5, callsFor(symbol).size(), "no provider call for the hit");
    assertFalse(listed("pending", id));
    try (Connection c = database.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT COUNT(*) FROM event_journal WHERE persistence_id = ?")) {
      ps.setString(1, "DeadLetter|" + id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertEquals(3, rs.getInt(1), "Enqueued, RetryFailed, Succeeded");
      }
    }
  }

  @Test
  void anEntryThatKeepsFailingIsEscalatedAndAReplayRearmsIt() throws Exception {
    String symbol = "DLQFAIL";
    String id = DlqEntity.entryId(FetchKey.of(Dataset.QUOTE, symbol));
    TestProbe<DeadLetterEvents.Escalated> subscriber = node.testKit().createTestProbe();
    ActorRef<Topic.Command<DeadLetterEvents.Escalated>> topic =
        node.testKit()
            .spawn(Topic.create(DeadLetterEvents.Escalated.class, DeadLetterEvents.FAILED_TOPIC));
    topic.tell(Topic.subscribe(subscriber.getRef()));
    simulator.simulator().setFault("fmp", Fault.of(Fault.Mode.UNAVAILABLE));
    simulator.simulator().setFault("polygon", Fault.of(Fault.Mode.UNAVAILABLE));

    assertEquals(503, Http.get(node.url("/api/v1/quotes/" + symbol)).status());
    DeadLetterEvents.Escalated escalated = subscriber.receiveMessage(Duration.ofSeconds(20));
    assertEquals(id, escalated.entryId());
    assertEquals(3, escalated.attempts());
    assertEquals(symbol, escalated.key().symbol());
    assertEquals(8, callsFor(symbol).size(), "the request and three retries, two providers each");

    Eventually.await(Duration.ofSeconds(5), "listed as failed", () -> listed("failed", id));
    Eventually.await(
        Duration.ofSeconds(5),
        "the escalation audited",
        () ->
            node.adminGet("/api/v1/audit?action=dlq_escalated")
                .json()
                .get("events")
                .toString()
                .contains(id));
    Eventually.await(
        Duration.ofSeconds(10),
        "escalation counted",
        () -> MetricsScrape.fetch(node, "dlq_escalations_total").orElse(0.0) >= 1);
    Eventually.await(
        Duration.ofSeconds(15),
        "failed entries gauged",
        () -> MetricsScrape.fetch(node, "dlq_entries", "status", "failed").orElse(0.0) >= 1);

    simulator.simulator().reset();
    Http.Answer replay = node.adminPost("/api/v1/dlq/" + id + "/replay", "");
    assertEquals(202, replay.status(), replay.body());
    Eventually.await(
        Duration.ofSeconds(5),
        "pending again",
        () -> listed("pending", id) || "closed".equals(statusOf(id)));
    Eventually.await(
        Duration.ofSeconds(10),
        "closed after the replayed retry",
        () -> "closed".equals(statusOf(id)));
    assertEquals(1, callsFor(symbol).size(), "one retry after the replay");
    Eventually.await(
        Duration.ofSeconds(5),
        "the replay audited",
        () ->
            node.adminGet("/api/v1/audit?action=dlq_replayed")
                .json()
                .get("events")
                .toString()
                .contains(id));
    assertTrue(Http.get(node.url("/api/v1/quotes/" + symbol)).json().get("cached").asBoolean());
  }

  @Test
  void replaysOfUnknownOrMalformedIdsAreRefused() {
    assertEquals(404, node.adminPost("/api/v1/dlq/0123456789abcdef0123/replay", "").status());
    assertEquals(400, node.adminPost("/api/v1/dlq/not-an-id/replay", "").status());
    assertEquals(400, node.adminGet("/api/v1/dlq?status=whatever").status());
    assertEquals(400, node.adminGet("/api/v1/audit?from=yesterday").status());
  }

  private static String latin1(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.ISO_8859_1);
  }

  @Test
  void providerKeysAppearInNoAuditRowJournalEventOrStoredRecord() throws Exception {
    simulator.simulator().setFault("fmp", Fault.of(Fault.Mode.UNAVAILABLE).times(1));
    simulator.simulator().setFault("polygon", Fault.of(Fault.Mode.UNAVAILABLE).times(1));
    assertEquals(503, Http.get(node.url("/api/v1/quotes/KEYSCAN")).status());
    assertEquals(200, Http.get(node.url("/api/v1/quotes/KEYSCAN2")).status());
    String id = DlqEntity.entryId(FetchKey.of(Dataset.QUOTE, "KEYSCAN"));
    Eventually.await(
        Duration.ofSeconds(10), "the entry closed", () -> "closed".equals(statusOf(id)));
    Eventually.await(
        Duration.ofSeconds(5),
        "audit rows written",
        () -> node.adminGet("/api/v1/audit?action=provider_call").json().get("total").asInt() >= 3);

    int rows = 0;
    try (Connection c = database.connect()) {
      for (String table :
          List.of("event_journal", "audit_log", "dlq_entries", "last_good", "snapshot")) {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table);
            ResultSet rs = ps.executeQuery()) {
          ResultSetMetaData meta = rs.getMetaData();
          while (rs.next()) {
            rows++;
            for (int col = 1; col <= meta.getColumnCount(); col++) {
              boolean binary =
                  switch (meta.getColumnType(col)) {
                    case java.sql.Types.BINARY,
                        java.sql.Types.VARBINARY,
                        java.sql.Types.LONGVARBINARY,
                        java.sql.Types.BLOB ->
                        true;
                    default -> false;
                  };
              String text = binary ? latin1(rs.getBytes(col)) : rs.getString(col);
              if (text == null) continue;
              assertFalse(
                  text.contains(FMP_KEY) || text.contains(POLYGON_KEY),
                  table + "." + meta.getColumnName(col) + " holds a provider key");
            }
          }
        }
      }
    }
    assertTrue(rows > 5, "the scan read the stored records");
    String everyResponse =
        node.adminGet("/api/v1/providers").body()
            + node.adminGet("/api/v1/audit?size=500").body()
            + node.adminGet("/api/v1/dlq?status=pending").body()
            + Http.get(node.metricsUrl()).body();
    assertFalse(everyResponse.contains(FMP_KEY) || everyResponse.contains(POLYGON_KEY));
    assertTrue(node.adminGet("/api/v1/providers").body().contains("****0042"), "keys shown masked");
  }
}
