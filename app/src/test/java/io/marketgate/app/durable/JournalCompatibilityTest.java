package io.marketgate.app.durable;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.marketgate.app.Main;
import io.marketgate.app.testkit.TestDatabase;
import io.marketgate.persistence.db.Database;
import io.marketgate.persistence.db.DatabaseSettings;
import io.marketgate.persistence.dlq.DlqEntity;
import io.marketgate.persistence.quota.QuotaEntity;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Events and snapshots written by an earlier version ({@link JournalFixture}, committed as bytes)
 * are read back through the JDBC journal with today's classes: the persisted classes keep their
 * names and fields. A dead letter's whole life replays to the state it had.
 */
class JournalCompatibilityTest {
  private TestDatabase database;
  private ActorTestKit kit;

  @BeforeEach
  void start() throws Exception {
    database = TestDatabase.create();
    Config config =
        Main.withDatabase(
            ConfigFactory.parseString("pekko.actor.provider = local\n" + database.config())
                .withFallback(ConfigFactory.load()));
    kit = ActorTestKit.create("JournalCompatibility", config);
    Database.start(kit.system(), DatabaseSettings.fromConfig(config))
        .ready()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    load();
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
    database.close();
  }

  /** The fixture's rows into the journal and snapshot tables, as the journal plugin wrote them. */
  private void load() throws Exception {
    ObjectMapper json = new ObjectMapper();
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(JournalFixture.FILE);
        Connection c = database.connect()) {
      assertNotNull(in, JournalFixture.FILE);
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank()) continue;
        JsonNode row = json.readTree(line);
        String sql =
            row.get("kind").asText().equals("event")
                ? "INSERT INTO event_journal (persistence_id, sequence_number, deleted, writer,"
                    + " write_timestamp, adapter_manifest, event_ser_id, event_ser_manifest,"
                    + " event_payload) VALUES (?, ?, FALSE, 'fixture', 0, '', ?, ?, ?)"
                : "INSERT INTO snapshot (persistence_id, sequence_number, created, snapshot_ser_id,"
                    + " snapshot_ser_manifest, snapshot_payload) VALUES (?, ?, 0, ?, ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          ps.setString(1, row.get("persistence_id").asText());
          ps.setLong(2, row.get("sequence_number").asLong());
          ps.setInt(3, row.get("serializer_id").asInt());
          ps.setString(4, row.get("manifest").asText());
          ps.setBytes(5, Base64.getDecoder().decode(row.get("payload").asText()));
          ps.executeUpdate();
        }
      }
    }
  }

  private List<Object> events(String persistenceId) throws Exception {
    JdbcReadJournal journal =
        PersistenceQuery.get(kit.system())
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    List<Object> events = new ArrayList<>();
    for (EventEnvelope e :
        journal
            .currentEventsByPersistenceId(persistenceId, 0, Long.MAX_VALUE)
            .runWith(Sink.seq(), kit.system())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS)) {
      events.add(e.event());
    }
    return events;
  }

  private static DlqEntity.State replay(List<Object> events) {
    DlqEntity.State state = new DlqEntity.State(null, DlqEntity.Status.NONE, 0, List.of(), 0, 0, 0);
    for (Object e : events) state = state.apply((DlqEntity.Event) e);
    return state;
  }

  @Test
  void aDeadLettersWholeLifeReplaysToItsState() throws Exception {
    List<Object> events = events(JournalFixture.DLQ_QUOTE);
    assertEquals(JournalFixture.QUOTE_LIFE, events);
    DlqEntity.State state = replay(events);
    assertEquals(JournalFixture.QUOTE_KEY, state.key());
    assertEquals(DlqEntity.Status.CLOSED, state.status());
    assertEquals(0, state.attempts(), "the replay reset the attempts");
    assertEquals(1_764_700_000_000L, state.createdAt());
    assertEquals(1_764_700_061_000L, state.updatedAt());
  }

  @Test
  void aPendingDeadLetterWithParametersReplays() throws Exception {
    DlqEntity.State state = replay(events(JournalFixture.DLQ_FUNDAMENTALS));
    assertEquals(JournalFixture.FUNDAMENTALS_KEY, state.key());
    assertEquals("period=quarterly&statement=balance", state.key().params());
    assertEquals(DlqEntity.Status.PENDING, state.status());
    assertEquals(1, state.attempts());
    assertEquals(JournalFixture.ERRORS.subList(0, 1), state.lastErrors());
    assertEquals(1_764_700_101_200L, state.lastAttemptEndedAt());
  }

  @Test
  void quotaGrantsAndItsSnapshotRead() throws Exception {
    assertEquals(JournalFixture.GRANTS, events(JournalFixture.QUOTA));
    try (Connection c = database.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT snapshot_ser_id, snapshot_ser_manifest, snapshot_payload FROM snapshot"
                    + " WHERE persistence_id = ?")) {
      ps.setString(1, JournalFixture.QUOTA);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        QuotaEntity.State snapshot =
            (QuotaEntity.State)
                SerializationExtension.get(kit.system())
                    .deserialize(rs.getBytes(3), rs.getInt(1), rs.getString(2))
                    .get();
        assertEquals(JournalFixture.QUOTA_SNAPSHOT.ledger().grants(), snapshot.ledger().grants());
      }
    }
  }
}
