package io.marketgate.persistence.sharding;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.pekko.cluster.sharding.protobuf.msg.ClusterShardingMessages;
import org.apache.pekko.protobufv3.internal.InvalidProtocolBufferException;

/**
 * What Pekko's {@code eventsourced} remember-entities store keeps of one entity type in the JDBC
 * journal: per shard, a persistence id {@code /sharding/<type>Shard/<shard id>} whose snapshot and
 * events name the entities the shard restarts by itself; and the coordinator's {@code
 * /sharding/<type>Coordinator}, which names the shards. Read with plain JDBC (no actor system), so
 * a one-off command can inspect and migrate them while the cluster is stopped.
 */
public final class RememberedEntities {
  /** Pekko's ClusterShardingMessageSerializer. */
  private static final int SHARDING_SERIALIZER = 13;

  private static final int PEKKO_DEFAULT_SHARDS = 1000;
  private static final int IN_LIST = 500;

  private RememberedEntities() {}

  public static String shardPersistenceIdPrefix(String typeName) {
    return "/sharding/" + typeName + "Shard/";
  }

  public static String coordinatorPersistenceId(String typeName) {
    return "/sharding/" + typeName + "Coordinator";
  }

  /**
   * Shard ids are numbers below the number of shards a cluster ran with: every one Pekko's default
   * (1000) or {@code shards} allows is looked up by its persistence id, which the tables' primary
   * keys index (a {@code LIKE} on the prefix could not use them under most collations).
   */
  private static List<String> candidates(String typeName, int shards) {
    String prefix = shardPersistenceIdPrefix(typeName);
    return IntStream.range(0, Math.max(PEKKO_DEFAULT_SHARDS, shards))
        .mapToObj(i -> prefix + i)
        .toList();
  }

  /**
   * The shard ids that have records in the journal or the snapshot store, remembered entities or
   * not, in numeric order.
   */
  public static Set<String> shardIds(Connection c, String typeName, int shards)
      throws SQLException {
    String prefix = shardPersistenceIdPrefix(typeName);
    List<String> candidates = candidates(typeName, shards);
    Set<String> ids = new TreeSet<>(Comparator.comparingInt(Integer::parseInt));
    for (String table : new String[] {"event_journal", "snapshot"}) {
      String notDeleted = table.equals("event_journal") ? " AND deleted = FALSE" : "";
      for (int from = 0; from < candidates.size(); from += IN_LIST) {
        List<String> chunk = candidates.subList(from, Math.min(candidates.size(), from + IN_LIST));
        String in = String.join(", ", Collections.nCopies(chunk.size(), "?"));
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT DISTINCT persistence_id FROM "
                    + table
                    + " WHERE persistence_id IN ("
                    + in
                    + ")"
                    + notDeleted)) {
          for (int i = 0; i < chunk.size(); i++) ps.setString(i + 1, chunk.get(i));
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) ids.add(rs.getString(1).substring(prefix.length()));
          }
        }
      }
    }
    return ids;
  }

  /**
   * The entities each shard would restart by itself: its latest snapshot plus the events after it.
   */
  public static Map<String, Set<String>> entitiesByShard(Connection c, String typeName, int shards)
      throws SQLException {
    Map<String, Set<String>> byShard = new TreeMap<>(Comparator.comparingInt(Integer::parseInt));
    for (String shard : shardIds(c, typeName, shards)) {
      Set<String> entities = entities(c, shardPersistenceIdPrefix(typeName) + shard);
      if (!entities.isEmpty()) byShard.put(shard, entities);
    }
    return byShard;
  }

  private static Set<String> entities(Connection c, String persistenceId) throws SQLException {
    Set<String> entities = new LinkedHashSet<>();
    long fromSequenceNr = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT sequence_number, snapshot_ser_id, snapshot_ser_manifest, snapshot_payload FROM snapshot"
                + " WHERE persistence_id = ? ORDER BY sequence_number DESC")) {
      ps.setString(1, persistenceId);
      ps.setMaxRows(1);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          fromSequenceNr = rs.getLong(1);
          expect(persistenceId, rs.getInt(2), rs.getString(3), "CA");
          byte[] snapshot = rs.getBytes(4);
          entities.addAll(
              parse(
                  () -> ClusterShardingMessages.EntityState.parseFrom(snapshot).getEntitiesList()));
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT event_ser_id, event_ser_manifest, event_payload FROM event_journal"
                + " WHERE persistence_id = ? AND sequence_number > ? AND deleted = FALSE ORDER BY sequence_number")) {
      ps.setString(1, persistenceId);
      ps.setLong(2, fromSequenceNr);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next())
          apply(persistenceId, rs.getInt(1), rs.getString(2), rs.getBytes(3), entities);
      }
    }
    return entities;
  }

  private static void apply(
      String persistenceId, int serializer, String manifest, byte[] payload, Set<String> entities) {
    expect(persistenceId, serializer, manifest, "CB", "CD", "CE", "CF");
    switch (manifest) {
      case "CB" ->
          entities.add(
              parse(() -> ClusterShardingMessages.EntityStarted.parseFrom(payload).getEntityId()));
      case "CD" ->
          entities.remove(
              parse(() -> ClusterShardingMessages.EntityStopped.parseFrom(payload).getEntityId()));
      case "CE" ->
          entities.addAll(
              parse(
                  () ->
                      ClusterShardingMessages.EntitiesStarted.parseFrom(payload)
                          .getEntityIdList()));
      default ->
          entities.removeAll(
              parse(
                  () ->
                      ClusterShardingMessages.EntitiesStopped.parseFrom(payload)
                          .getEntityIdList()));
    }
  }

  private static void expect(
      String persistenceId, int serializer, String manifest, String... manifests) {
    if (serializer != SHARDING_SERIALIZER || !Set.of(manifests).contains(manifest)) {
      throw new IllegalStateException(
          "unexpected record in "
              + persistenceId
              + ": serializer "
              + serializer
              + ", manifest "
              + manifest);
    }
  }

  private interface Parse<T> {
    T run() throws InvalidProtocolBufferException;
  }

  private static <T> T parse(Parse<T> parse) {
    try {
      return parse.run();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "unreadable remembered-entities record: " + e.getMessage(), e);
    }
  }
}
