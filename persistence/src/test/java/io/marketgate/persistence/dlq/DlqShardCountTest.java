package io.marketgate.persistence.dlq;

import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.persistence.db.DatabaseSettings;
import io.marketgate.persistence.db.Migrations;
import io.marketgate.persistence.db.SqlDialect;
import io.marketgate.persistence.sharding.RememberedEntities;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.cluster.sharding.protobuf.msg.ClusterShardingMessages;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shard-count guard and migration on journal records in the format Pekko's remember-entities
 * store writes them (its protobuf snapshots and events), in an embedded database migrated like a
 * node's.
 */
class DlqShardCountTest {
  private static final String SHARD = "/sharding/DeadLetterShard/";
  private Connection connection;
  private long ordering;

  @BeforeEach
  void migrate() throws SQLException {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL(
        "jdbc:h2:mem:" + UUID.randomUUID() + ";DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
    Migrations.migrate(dataSource, DatabaseSettings.Kind.H2);
    connection = dataSource.getConnection();
  }

  @AfterEach
  void close() throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("SHUTDOWN");
    }
    connection.close();
  }

  private void event(String persistenceId, long seqNr, String manifest, byte[] payload)
      throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "INSERT INTO event_journal (ordering, persistence_id, sequence_number, deleted, writer, write_timestamp, adapter_manifest, event_ser_id,"
                + " event_ser_manifest, event_payload)"
                + " VALUES (?, ?, ?, FALSE, 'w', 0, '', 13, ?, ?)")) {
      ps.setLong(1, ++ordering);
      ps.setString(2, persistenceId);
      ps.setLong(3, seqNr);
      ps.setString(4, manifest);
      ps.setBytes(5, payload);
      ps.executeUpdate();
    }
  }

  private void snapshot(String persistenceId, long seqNr, String... entities) throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "INSERT INTO snapshot (persistence_id, sequence_number, created, snapshot_ser_id, snapshot_ser_manifest, snapshot_payload)"
                + " VALUES (?, ?, 0, 13, 'CA', ?)")) {
      ps.setString(1, persistenceId);
      ps.setLong(2, seqNr);
      ps.setBytes(
          3,
          ClusterShardingMessages.EntityState.newBuilder()
              .addAllEntities(List.of(entities))
              .build()
              .toByteArray());
      ps.executeUpdate();
    }
  }

  private static byte[] started(String... ids) {
    return ClusterShardingMessages.EntitiesStarted.newBuilder()
        .addAllEntityId(List.of(ids))
        .build()
        .toByteArray();
  }

  private static byte[] stopped(String... ids) {
    return ClusterShardingMessages.EntitiesStopped.newBuilder()
        .addAllEntityId(List.of(ids))
        .build()
        .toByteArray();
  }

  private long count(String sql) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aFreshJournalStartsAndRecordsItsNumberOfShards() throws SQLException {
    assertEquals(Optional.empty(), DlqShardCount.refusal(connection, SqlDialect.H2, 128));
    assertEquals(
        1,
        count(
            "SELECT COUNT(*) FROM cluster_settings WHERE setting_name = 'number-of-shards' AND setting_value = '128'"));
    event(SHARD + "17", 1, "CE", started("a"));
    assertEquals(
        Optional.empty(),
        DlqShardCount.refusal(connection, SqlDialect.H2, 128),
        "records under the recorded count");
  }

  @Test
  void rememberedEntitiesAreTheLatestSnapshotAndTheEventsAfterIt() throws SQLException {
    snapshot(SHARD + "3", 2, "a", "b", "c");
    event(SHARD + "3", 1, "CE", started("old"));
    event(SHARD + "3", 3, "CF", stopped("b"));
    event(SHARD + "3", 4, "CE", started("d"));
    event(SHARD + "900", 1, "CE", started("x", "y"));
    event(SHARD + "900", 2, "CF", stopped("x", "y"));
    event(
        SHARD + "901",
        1,
        "CB",
        ClusterShardingMessages.EntityStarted.newBuilder().setEntityId("z").build().toByteArray());
    assertEquals(
        Map.of("3", Set.of("a", "c", "d"), "901", Set.of("z")),
        RememberedEntities.entitiesByShard(connection, "DeadLetter", 128));
    assertEquals(
        Set.of("3", "900", "901"), RememberedEntities.shardIds(connection, "DeadLetter", 128));
  }

  @Test
  void recordsOfAnotherCountOrWithoutACountAreRefusedUntilMigrated() throws SQLException {
    event(SHARD + "5", 1, "CE", started("e1", "e2"));
    event(SHARD + "537", 1, "CE", started("e3"));
    event("/sharding/DeadLetterCoordinator", 1, "", new byte[0]);
    event("DeadLetter|e1", 1, "x", new byte[] {1});

    Optional<String> unrecorded = DlqShardCount.refusal(connection, SqlDialect.H2, 128);
    assertTrue(
        unrecorded.orElseThrow().contains("unrecorded number of shards")
            && unrecorded.get().contains("up to 537"),
        unrecorded.get());
    assertEquals(0, count("SELECT COUNT(*) FROM cluster_settings"), "a refusal records nothing");

    DlqShardCount.Migration done = DlqShardCount.migrate(connection, SqlDialect.H2, 128);
    assertEquals(
        new DlqShardCount.Migration(
            "an unrecorded number of shards (1000 in the jar of every version before it was recorded)",
            128,
            2,
            3),
        done);
    assertEquals(List.of("e1", "e2", "e3"), DlqShardCount.toResume(connection));
    assertEquals(
        0,
        count(
            "SELECT COUNT(*) FROM event_journal WHERE persistence_id LIKE '/sharding/DeadLetter%'"));
    assertEquals(
        1,
        count("SELECT COUNT(*) FROM event_journal WHERE persistence_id = 'DeadLetter|e1'"),
        "the entries' own journals stay");
    assertEquals(Optional.empty(), DlqShardCount.refusal(connection, SqlDialect.H2, 128));

    event(SHARD + "7", 1, "CE", started("e1"));
    Optional<String> changed = DlqShardCount.refusal(connection, SqlDialect.H2, 64);
    assertTrue(
        changed.orElseThrow().contains("stored under 128 shards")
            && changed.get().contains("runs with 64"),
        changed.get());
  }

  @Test
  void aRecordPekkoDidNotWriteStopsTheMigrationAndChangesNothing() throws SQLException {
    event(SHARD + "600", 1, "CE", started("e1"));
    event(SHARD + "600", 2, "ZZ", new byte[] {1, 2});
    assertThrows(
        IllegalStateException.class, () -> DlqShardCount.migrate(connection, SqlDialect.H2, 128));
    assertEquals(2, count("SELECT COUNT(*) FROM event_journal"));
    assertEquals(0, count("SELECT COUNT(*) FROM dlq_resume"));
  }

  @Test
  void aFailureAfterTheRecordsWereDeletedRollsEverythingBack() throws SQLException {
    event(SHARD + "600", 1, "CE", started("e1"));
    snapshot(SHARD + "600", 1, "e1");
    event("/sharding/DeadLetterCoordinator", 1, "", new byte[0]);
    // Recording the new count is the migration's last write: make it fail.
    try (Statement s = connection.createStatement()) {
      s.execute(
          "ALTER TABLE cluster_settings ADD CONSTRAINT refuse_all CHECK (setting_value = 'never')");
    }
    assertThrows(SQLException.class, () -> DlqShardCount.migrate(connection, SqlDialect.H2, 128));
    assertEquals(2, count("SELECT COUNT(*) FROM event_journal"), "the deleted records are back");
    assertEquals(1, count("SELECT COUNT(*) FROM snapshot"));
    assertEquals(0, count("SELECT COUNT(*) FROM dlq_resume"));
    assertTrue(connection.getAutoCommit(), "the connection is left as it was given");
  }

  @Test
  void recordingTheCountReplacesAnEarlierOne() throws SQLException {
    assertEquals(Optional.empty(), DlqShardCount.refusal(connection, SqlDialect.H2, 1000));
    assertEquals(Optional.empty(), DlqShardCount.refusal(connection, SqlDialect.H2, 128));
    assertEquals(
        1,
        count(
            "SELECT COUNT(*) FROM cluster_settings WHERE setting_name = 'number-of-shards'"
                + " AND setting_value = '128'"));
  }
}
