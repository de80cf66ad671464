package io.marketgate.app.durable;

import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.app.sim.CallLog;
import io.marketgate.app.sim.Fault;
import io.marketgate.app.testkit.CallLogAssertions;
import io.marketgate.app.testkit.Eventually;
import io.marketgate.app.testkit.GatewayProcess;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.SharedSimulator;
import io.marketgate.app.testkit.TestDatabase;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What survives a kill -9 of a gateway process: pending dead letters resume their retries after a
 * restart on the same database with no new request, and the last good values are served stale.
 */
@ExtendWith(LogCapturingExtension.class)
class CrashRecoveryIT {
  private static final List<String> SYMBOLS =
      List.of("CRASHA", "CRASHB", "CRASHC", "CRASHD", "CRASHE");
  private SharedSimulator simulator;
  private TestDatabase database;
  private Map<String, String> env;

  @BeforeEach
  void start() {
    simulator = SharedSimulator.start();
    database = TestDatabase.create();
    env = new HashMap<>(simulator.providerEnvironment());
    env.putAll(database.environment());
    env.put("FMP_CIRCUIT_BREAKER_THRESHOLD", "50");
    env.put("POLYGON_CIRCUIT_BREAKER_THRESHOLD", "50");
  }

  @AfterEach
  void stop() {
    simulator.close();
    database.close();
  }

  /**
   * Entries with that status, read over the node's API (an embedded database is the node's alone).
   */
  private static long entries(GatewayProcess node, String status) {
    return node.adminGet("/api/v1/dlq?status=" + status).json().get("total").asLong();
  }

  @Test
  void pendingDeadLettersResumeAfterAKillAndRestartWithNoNewRequest() throws Exception {
    simulator.simulator().setFault("fmp", Fault.of(Fault.Mode.UNAVAILABLE));
    simulator.simulator().setFault("polygon", Fault.of(Fault.Mode.UNAVAILABLE));
    // A slow first retry, so the entries are still pending when the node dies.
    Map<String, String> slowRetries = Map.of("marketgate.dlq.first-retry-after", "4s");
    long restartedAt;
    try (GatewayProcess first = GatewayProcess.start("crash-1", env, slowRetries)) {
      for (String s : SYMBOLS)
        assertEquals(503, Http.get(first.url("/api/v1/quotes/" + s)).status());
      Eventually.await(
          Duration.ofSeconds(10), "5 pending entries", () -> entries(first, "pending") == 5);
      first.kill();
    }
    simulator.simulator().reset();
    restartedAt = System.currentTimeMillis();

    try (GatewayProcess second = GatewayProcess.start("crash-2", env, slowRetries)) {
      Eventually.await(
          Duration.ofSeconds(60),
          "every entry retried",
          () -> simulator.simulator().calls().total() >= SYMBOLS.size());
      Eventually.await(
          Duration.ofSeconds(10),
          "no entry pending or failed",
          () -> entries(second, "pending") == 0 && entries(second, "failed") == 0);
      List<CallLog.Call> calls = simulator.simulator().calls().calls();
      for (String s : SYMBOLS) {
        assertTrue(
            calls.stream().anyMatch(c -> c.symbol().equals(s) && c.startedAtMs() >= restartedAt),
            s + " retried after the restart");
        Http.Answer answer = Http.get(second.url("/api/v1/quotes/" + s));
        assertEquals(200, answer.status());
        assertTrue(answer.json().get("cached").asBoolean(), s + ": the retry refreshed the cache");
      }
      assertEquals(SYMBOLS.size(), calls.size(), "one successful retry per entry and nothing else");
      CallLogAssertions.assertNoOverlappingCallsPerKey(calls);
    }
  }

  @Test
  void aValueFetchedBeforeARestartIsServedStaleWhileProvidersAreDown() {
    Http.Answer fresh;
    try (GatewayProcess first = GatewayProcess.start("lastgood-1", env, Map.of())) {
      fresh = Http.get(first.url("/api/v1/quotes/KEEPME"));
      assertEquals(200, fresh.status());
      // Graceful stop: the write-behind store flushes on shutdown.
    }
    simulator.simulator().reset();
    simulator.simulator().setFault("fmp", Fault.of(Fault.Mode.UNAVAILABLE));
    simulator.simulator().setFault("polygon", Fault.of(Fault.Mode.UNAVAILABLE));
    try (GatewayProcess second = GatewayProcess.start("lastgood-2", env, Map.of())) {
      // Asking for data at most 1 s old: the providers are asked, fail, and the stored value is
      // served, marked stale.
      Http.Answer stale =
          Http.get(second.url("/api/v1/quotes/KEEPME"), "Cache-Control", "max-age=1");
      assertEquals(200, stale.status(), stale.body());
      assertEquals("true", stale.header("X-Data-Stale"));
      assertTrue(stale.json().get("stale").asBoolean());
      assertEquals(fresh.json().get("data"), stale.json().get("data"));
      assertEquals(fresh.json().get("fetched_at"), stale.json().get("fetched_at"));
    }
  }
}
