package io.marketgate.app.durable;

import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.app.sim.Fault;
import io.marketgate.app.testkit.Eventually;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.TcpRelay;
import io.marketgate.app.testkit.TestDatabase;
import io.marketgate.app.testkit.TestNode;
import io.marketgate.persistence.dlq.DlqEntity;
import io.marketgate.persistence.writer.BatchWriter;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The connection to PostgreSQL is cut mid-load (a TCP relay between node and database is closed and
 * reopened): hits and fetches keep answering, and what was written meanwhile reaches the database
 * after reconnection, nothing lost or duplicated. Needs PostgreSQL (DATABASE_URL), as in CI: the
 * embedded database has no connection to cut.
 */
@ExtendWith(LogCapturingExtension.class)
class DatabaseOutageTest {
  private TestDatabase database;
  private TcpRelay relay;
  private TestNode node;

  @BeforeEach
  void start() {
    Assumptions.assumeTrue(
        System.getenv("DATABASE_URL") != null, "needs PostgreSQL: set DATABASE_URL (CI does)");
    database = TestDatabase.create();
    relay = TcpRelay.start(database.server().getHostString(), database.server().getPort());
    node = TestNode.start(database.configVia(relay.port()), 0, database);
  }

  @AfterEach
  void stop() {
    if (node != null) node.close();
    if (relay != null) relay.close();
    if (database != null) database.close();
  }

  private long query(String sql, Object... args) throws Exception {
    try (Connection c = database.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Test
  void requestsKeepAnsweringAndDurableWritesCatchUpAfterReconnection() throws Exception {
    for (int i = 0; i < 10; i++)
      assertEquals(200, Http.get(node.url("/api/v1/quotes/WARM" + i)).status());
    BatchWriter<?> audit = node.node().durable().audit().writer();
    Eventually.await(
        Duration.ofSeconds(20),
        "audit rows written before the outage",
        () -> audit.written() >= 10);

    relay.cut();
    Instant cutAt = Instant.now();
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < 10; i++)
        assertEquals(
            200, Http.get(node.url("/api/v1/quotes/WARM" + i)).status(), "hit during the outage");
      for (int i = 0; i < 4; i++) {
        assertEquals(
            200,
            Http.get(node.url("/api/v1/quotes/OUT" + round + "X" + i)).status(),
            "fetch during the outage");
      }
    }
    node.simulator().setFault("fmp", Fault.of(Fault.Mode.UNAVAILABLE).times(1));
    node.simulator().setFault("polygon", Fault.of(Fault.Mode.UNAVAILABLE).times(1));
    assertEquals(
        503,
        Http.get(node.url("/api/v1/quotes/OUTFAIL")).status(),
        "a failed fetch during the outage");
    long producedDuringOutage = audit.produced();
    Eventually.await(
        Duration.ofSeconds(10),
        "the outage lasted a while",
        () -> Duration.between(cutAt, Instant.now()).toSeconds() >= 3);
    long waitingAtRestore = audit.produced() - audit.written() - audit.dropped();
    Instant restoredAt = Instant.now();
    relay.restore();

    String failedEntry = DlqEntity.entryId(FetchKey.of(Dataset.QUOTE, "OUTFAIL"));
    Eventually.await(
        Duration.ofSeconds(60),
        "the dead letter queued during the outage, retried and closed",
        () ->
            query(
                    "SELECT COUNT(*) FROM dlq_entries WHERE entry_id = ? AND status = 'closed'",
                    failedEntry)
                == 1);
    Eventually.await(
        Duration.ofSeconds(30),
        "the audit writer caught up",
        () ->
            audit.written() + audit.dropped() == audit.produced()
                && audit.produced() >= producedDuringOutage);

    assertTrue(
        waitingAtRestore >= 20,
        "rows produced during the outage waited for the database: " + waitingAtRestore);
    long stored = query("SELECT COUNT(*) FROM audit_log");
    assertEquals(0, audit.dropped(), "an outage shorter than the buffer drops nothing");
    assertEquals(
        audit.produced(), stored + audit.dropped(), "rows stored + rows dropped = rows produced");
    assertEquals(stored, query("SELECT COUNT(DISTINCT id) FROM audit_log"), "no duplicates");
    assertTrue(
        query(
                "SELECT COUNT(*) FROM audit_log WHERE at >= ? AND at < ?",
                Timestamp.from(cutAt),
                Timestamp.from(restoredAt))
            >= 20,
        "rows produced during the outage were written after it");
    Eventually.await(
        Duration.ofSeconds(30),
        "last good values written",
        () -> query("SELECT COUNT(*) FROM last_good WHERE symbol LIKE 'OUT%'") >= 20);
  }
}
