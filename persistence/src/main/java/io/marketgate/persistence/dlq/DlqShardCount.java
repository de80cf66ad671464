package io.marketgate.persistence.dlq;

import io.marketgate.persistence.db.SqlDialect;
import io.marketgate.persistence.sharding.RememberedEntities;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps the dead-letter queue's remembered entities consistent with the number of shards.
 *
 * <p>Sharding restarts a remembered entity in the shard it was remembered under, while messages for
 * it go to the shard its id hashes to under the current number of shards. If that number changed,
 * both can run at once: two writers of one entry's journal. So the number the records were written
 * under is kept in {@code cluster_settings}, a node refuses to start the queue under another
 * number, and {@link #migrate} moves the records over while the cluster is stopped: it notes every
 * remembered entry in {@code dlq_resume} and removes the old records; the next node to start wakes
 * those entries, which remembers them under the new shards.
 */
public final class DlqShardCount {
  static final String SETTING = "number-of-shards";

  /**
   * Deployments of the jar before the count was recorded ran with Pekko's default, 1000 (runs on a
   * plain classpath had 128).
   */
  private static final String UNRECORDED =
      "an unrecorded number of shards (1000 in the jar of every version before it was recorded)";

  private DlqShardCount() {}

  /** What {@link #migrate} did; {@code previousShards} as the records said it. */
  public record Migration(String previousShards, int shards, int shardRecords, int entries) {}

  /**
   * Empty when the queue may start with {@code shards}, after recording that number when nothing is
   * remembered yet; otherwise why it must not.
   */
  public static Optional<String> refusal(Connection c, SqlDialect dialect, int shards)
      throws SQLException {
    Set<String> remembered = RememberedEntities.shardIds(c, DlqEntity.ENTITY_KEY.name(), shards);
    Optional<String> recorded = recorded(c);
    if (remembered.isEmpty()) {
      record(c, dialect, shards);
      return Optional.empty();
    }
    boolean beyond = remembered.stream().anyMatch(id -> !isShardBelow(id, shards));
    if (recorded.equals(Optional.of(Integer.toString(shards))) && !beyond) return Optional.empty();
    return Optional.of(
        "the dead-letter queue's remembered entities were stored under "
            + recorded.map(n -> n + " shards").orElse(UNRECORDED)
            + " (remembered shard ids up to "
            + remembered.stream().mapToInt(DlqShardCount::number).max().orElse(-1)
            + "), and this node runs with "
            + shards
            + " (pekko.cluster.sharding.number-of-shards). Starting would run some dead-letter entries twice and"
            + " corrupt their journal. Stop every node, then run once: java -jar marketgate.jar migrate-shards"
            + " (docs/OPERATIONS.md, \"Changing the number of shards\")");
  }

  /**
   * Moves the remembered records to {@code shards}, in one transaction: nothing is lost if it
   * fails. Run only while no node of the cluster is running.
   */
  public static Migration migrate(Connection c, SqlDialect dialect, int shards)
      throws SQLException {
    String type = DlqEntity.ENTITY_KEY.name();
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      String previous = recorded(c).map(n -> n + " shards").orElse(UNRECORDED);
      Set<String> shardIds = RememberedEntities.shardIds(c, type, shards);
      Map<String, Set<String>> remembered = RememberedEntities.entitiesByShard(c, type, shards);
      List<String> entries = remembered.values().stream().flatMap(Set::stream).distinct().toList();
      try (PreparedStatement ps =
          c.prepareStatement(
              dialect.insertIgnoringDuplicates("dlq_resume", "entry_id", "?", "entry_id"))) {
        for (String entry : entries) {
          ps.setString(1, entry);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      for (String table : new String[] {"event_journal", "snapshot"}) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "DELETE FROM " + table + " WHERE persistence_id LIKE ? OR persistence_id = ?")) {
          ps.setString(1, RememberedEntities.shardPersistenceIdPrefix(type) + "%");
          ps.setString(2, RememberedEntities.coordinatorPersistenceId(type));
          ps.executeUpdate();
        }
      }
      record(c, dialect, shards);
      c.commit();
      return new Migration(previous, shards, shardIds.size(), entries.size());
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /** Entries the migration left to wake. */
  static List<String> toResume(Connection c) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement ps =
            c.prepareStatement("SELECT entry_id FROM dlq_resume ORDER BY entry_id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) ids.add(rs.getString(1));
    }
    return ids;
  }

  static void resumed(Connection c, String entryId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM dlq_resume WHERE entry_id = ?")) {
      ps.setString(1, entryId);
      ps.executeUpdate();
    }
  }

  private static Optional<String> recorded(Connection c) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT setting_value FROM cluster_settings WHERE setting_name = ?")) {
      ps.setString(1, SETTING);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  private static void record(Connection c, SqlDialect dialect, int shards) throws SQLException {
    try (PreparedStatement upsert =
        c.prepareStatement(
            dialect.upsert(
                "cluster_settings",
                new String[] {"setting_name", "setting_value"},
                "setting_name"))) {
      upsert.setString(1, SETTING);
      upsert.setString(2, Integer.toString(shards));
      upsert.executeUpdate();
    }
  }

  private static boolean isShardBelow(String shardId, int shards) {
    int n = number(shardId);
    return n >= 0 && n < shards;
  }

  private static int number(String shardId) {
    try {
      return Integer.parseInt(shardId);
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }
}
