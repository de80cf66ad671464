package io.marketgate.app.durable;

import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.app.sim.CallLog;
import io.marketgate.app.sim.Fault;
import io.marketgate.app.testkit.CallLogAssertions;
import io.marketgate.app.testkit.Eventually;
import io.marketgate.app.testkit.FreePorts;
import io.marketgate.app.testkit.GatewayProcess;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.SharedSimulator;
import io.marketgate.app.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An upgrade from the 1000 shards every earlier deployment ran with: the journal of a jar node that
 * ran with 1000 shards and was killed with pending dead letters makes a node of 128 shards refuse
 * to start; {@code java -jar marketgate.jar migrate-shards} moves the remembered entries; the next
 * node then retries every one of them, once.
 */
@ExtendWith(LogCapturingExtension.class)
class ShardCountUpgradeIT {
  private static final List<String> SYMBOLS =
      IntStream.range(0, 20).mapToObj(i -> String.format("UPG%02d", i)).toList();
  private SharedSimulator simulator;
  private TestDatabase database;
  private Map<String, String> env;

  @BeforeEach
  void start() {
    simulator = SharedSimulator.start();
    database = TestDatabase.create();
    env = new HashMap<>(simulator.providerEnvironment());
    env.putAll(database.sharedEnvironment());
    env.put("FMP_CIRCUIT_BREAKER_THRESHOLD", "1000");
    env.put("POLYGON_CIRCUIT_BREAKER_THRESHOLD", "1000");
  }

  @AfterEach
  void stop() {
    simulator.close();
    database.close();
  }

  @Test
  void aJournalOfOneThousandShardsIsRefusedThenMigratedAndEveryPendingEntryResumesOnce()
      throws Exception {
    simulator.simulator().setFault("fmp", Fault.of(Fault.Mode.UNAVAILABLE));
    simulator.simulator().setFault("polygon", Fault.of(Fault.Mode.UNAVAILABLE));
    try (GatewayProcess old =
        GatewayProcess.start(
            "shards-1000",
            env,
            Map.of(
                "pekko.cluster.sharding.number-of-shards",
                "1000",
                // Snapshots of the remembered entities too, so the migration reads both.
                "pekko.cluster.sharding.snapshot-after",
                "1",
                "marketgate.dlq.first-retry-after",
                "10m"))) {
      for (String s : SYMBOLS) assertEquals(503, Http.get(old.url("/api/v1/quotes/" + s)).status());
      Eventually.await(
          Duration.ofSeconds(20),
          SYMBOLS.size() + " pending entries",
          () ->
              old.adminGet("/api/v1/dlq?status=pending").json().get("total").asLong()
                  == SYMBOLS.size());
      old.kill();
    }
    // As written by the versions before the shard count was recorded.
    execute("DELETE FROM cluster_settings");
    List<Integer> oldShards = rememberedShards();
    assertTrue(
        oldShards.stream().anyMatch(id -> id >= 128),
        "the journal remembers shard ids of 1000 shards: " + oldShards);

    GatewayProcess.Exit refused =
        GatewayProcess.startExpectingExit(
            "shards-128-refused", env, Map.of(), Duration.ofSeconds(60));
    assertEquals(2, refused.status(), refused.output());
    assertTrue(
        refused
            .output()
            .contains(
                "Marketgate refuses to start: the dead-letter queue's remembered entities were stored under an unrecorded number of shards"),
        refused.output());
    assertTrue(
        refused.output().contains("java -jar marketgate.jar migrate-shards"), refused.output());
    assertEquals(oldShards, rememberedShards(), "the refused node changed nothing");

    GatewayProcess.Exit tooEarly =
        GatewayProcess.runCommand(env, Duration.ofSeconds(60), "migrate-shards");
    assertEquals(1, tooEarly.status(), tooEarly.output());
    assertTrue(tooEarly.output().contains("nodes of the cluster still run"), tooEarly.output());
    assertEquals(oldShards, rememberedShards(), "the refused command changed nothing");
    // As 30 s after the kill: the killed node's heartbeat row has aged out.
    execute("UPDATE node_heartbeats SET seen_at = seen_at - 31000");

    GatewayProcess.Exit migrated =
        GatewayProcess.runCommand(env, Duration.ofSeconds(60), "migrate-shards");
    assertEquals(0, migrated.status(), migrated.output());
    assertTrue(
        migrated.output().contains(SYMBOLS.size() + " entries resume at the next start"),
        migrated.output());
    assertEquals(List.of(), rememberedShards());
    assertEquals(SYMBOLS.size(), count("SELECT COUNT(*) FROM dlq_resume"));

    simulator.simulator().reset();
    long restartedAt = System.currentTimeMillis();
    // Two nodes start at once and both wake the listed entries.
    List<Integer> remotePorts = List.of(FreePorts.next(), FreePorts.next());
    Map<String, String> clusterEnv = new HashMap<>(env);
    clusterEnv.put(
        "MARKETGATE_SEED_NODES",
        String.join(",", remotePorts.stream().map(p -> "127.0.0.1:" + p).toList()));
    List<CompletableFuture<GatewayProcess>> starting = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Map<String, String> nodeEnv = new HashMap<>(clusterEnv);
      nodeEnv.put("MARKETGATE_REMOTE_PORT", Integer.toString(remotePorts.get(i)));
      String name = "shards-128-" + i;
      starting.add(
          CompletableFuture.supplyAsync(
              () ->
                  GatewayProcess.start(
                      name, nodeEnv, Map.of("marketgate.dlq.first-retry-after", "1s"))));
    }
    List<GatewayProcess> upgraded = starting.stream().map(CompletableFuture::join).toList();
    try {
      GatewayProcess node = upgraded.get(0);
      Eventually.await(
          Duration.ofSeconds(60),
          "every entry retried to success",
          () ->
              node.adminGet("/api/v1/dlq?status=pending").json().get("total").asLong() == 0
                  && node.adminGet("/api/v1/dlq?status=failed").json().get("total").asLong() == 0);
      List<CallLog.Call> calls = simulator.simulator().calls().calls();
      for (String s : SYMBOLS) {
        assertEquals(
            1,
            calls.stream()
                .filter(c -> c.symbol().equals(s) && c.startedAtMs() >= restartedAt)
                .count(),
            s + " retried once");
      }
      CallLogAssertions.assertNoOverlappingCallsPerKey(calls);
      assertEquals(0, count("SELECT COUNT(*) FROM dlq_resume"));
      List<Integer> newShards = rememberedShards();
      assertFalse(newShards.isEmpty(), "the woken entries are remembered again");
      assertTrue(
          newShards.stream().allMatch(id -> id < 128),
          "remembered again under 128 shards: " + newShards);
      assertEquals(
          1,
          count(
              "SELECT COUNT(*) FROM cluster_settings WHERE setting_name = 'number-of-shards'"
                  + " AND setting_value = '128'"));
    } finally {
      upgraded.forEach(GatewayProcess::close);
    }
  }

  /** Shard ids with remembered-entity records of the dead-letter queue (events or snapshots). */
  private List<Integer> rememberedShards() throws SQLException {
    String prefix = "/sharding/DeadLetterShard/";
    List<Integer> ids = new ArrayList<>();
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT persistence_id FROM event_journal WHERE persistence_id LIKE '"
                    + prefix
                    + "%' UNION SELECT persistence_id FROM snapshot WHERE persistence_id LIKE '"
                    + prefix
                    + "%'")) {
      while (rs.next()) ids.add(Integer.parseInt(rs.getString(1).substring(prefix.length())));
    }
    return ids.stream().sorted().toList();
  }

  private long count(String sql) throws SQLException {
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = database.connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
