package io.marketgate.persistence.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Each running node writes its address and the time to {@code node_heartbeats} every {@link
 * #INTERVAL}, and removes its row when it shuts down: one-off commands that must only run while the
 * whole cluster is stopped ({@code migrate-shards}) refuse while a row is recent.
 */
public final class NodeHeartbeats {
  public static final Duration INTERVAL = Duration.ofSeconds(10);

  /** A row younger than this belongs to a node that may still run. */
  public static final Duration RECENT = INTERVAL.multipliedBy(3);

  private NodeHeartbeats() {}

  public static void start(ActorSystem<?> system, Database database, String node, Clock clock) {
    String upsert =
        database.dialect().upsert("node_heartbeats", new String[] {"node", "seen_at"}, "node");
    Runnable beat =
        () ->
            database.run(
                c -> {
                  try (PreparedStatement ps = c.prepareStatement(upsert)) {
                    ps.setString(1, node);
                    ps.setLong(2, clock.millis());
                    return ps.executeUpdate();
                  }
                });
    // The first beat as soon as the schema exists, then every INTERVAL.
    database
        .ready()
        .thenRun(
            () ->
                system
                    .scheduler()
                    .scheduleWithFixedDelay(
                        Duration.ZERO, INTERVAL, beat, system.executionContext()));
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "remove-node-heartbeat",
            () ->
                database.isReady()
                    ? database
                        .run(
                            c -> {
                              try (PreparedStatement ps =
                                  c.prepareStatement(
                                      "DELETE FROM node_heartbeats WHERE node = ?")) {
                                ps.setString(1, node);
                                return ps.executeUpdate();
                              }
                            })
                        .handle((rows, error) -> Done.getInstance())
                    : CompletableFuture.completedFuture(Done.getInstance()));
  }

  /** The nodes seen since {@code sinceMillis}. */
  public static List<String> seenSince(Connection c, long sinceMillis) throws SQLException {
    List<String> nodes = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT node FROM node_heartbeats WHERE seen_at >= ? ORDER BY node")) {
      ps.setLong(1, sinceMillis);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) nodes.add(rs.getString(1));
      }
    }
    return nodes;
  }
}
