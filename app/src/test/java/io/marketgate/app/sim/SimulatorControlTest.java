package io.marketgate.app.sim;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.SharedSimulator;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The simulator's HTTP control endpoints, as the benchmark and operators use them. */
@ExtendWith(LogCapturingExtension.class)
class SimulatorControlTest {
  private static SharedSimulator sim;
  private static String base;

  @BeforeAll
  static void start() {
    sim = SharedSimulator.start();
    base = sim.simulator().baseUrl();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @BeforeEach
  void reset() {
    assertEquals(200, Http.post(base + "/_sim/reset", "").status());
  }

  private static int fmpQuote(String symbol) {
    return Http.get(base + "/fmp/stable/quote?symbol=" + symbol + "&apikey=k").status();
  }

  @Test
  void aFaultWithoutCountLastsUntilChanged() {
    assertEquals(200, Http.put(base + "/_sim/faults/fmp", "{\"mode\":\"503\"}").status());
    for (int i = 0; i < 5; i++) assertEquals(503, fmpQuote("AAPL"));
    assertEquals(200, Http.get(base + "/_sim/faults").status());
    assertEquals("503", Http.get(base + "/_sim/faults").json().at("/fmp/mode").asText());
    assertEquals(200, Http.delete(base + "/_sim/faults/fmp").status());
    assertEquals(200, fmpQuote("AAPL"));
  }

  @Test
  void aCountedFaultEndsByItself() {
    Http.put(base + "/_sim/faults/fmp", "{\"mode\":\"429\",\"count\":2}");
    assertEquals(429, fmpQuote("AAPL"));
    assertEquals(429, fmpQuote("AAPL"));
    assertEquals(200, fmpQuote("AAPL"));
  }

  @Test
  void latencyAloneDelaysNormalAnswers() {
    Http.put(base + "/_sim/faults/polygon", "{\"latency_ms\":150}");
    long start = System.nanoTime();
    assertEquals(200, Http.get(base + "/polygon/v2/aggs/ticker/AAPL/prev?apiKey=k").status());
    assertTrue((System.nanoTime() - start) / 1_000_000 >= 150);
  }

  @Test
  void callsAreCountedAndLogged() {
    fmpQuote("AAPL");
    fmpQuote("MSFT");
    Http.get(base + "/polygon/v2/aggs/ticker/AAPL/prev?apiKey=k");
    JsonNode counts = Http.get(base + "/_sim/calls").json();
    assertEquals(3, counts.get("total").asInt());
    assertEquals(2, counts.at("/providers/fmp").asInt());
    JsonNode log = Http.get(base + "/_sim/calls/log").json().get("calls");
    assertEquals("AAPL", log.get(0).get("symbol").asText());
    assertTrue(log.get(0).get("ended_at_ms").asLong() >= log.get(0).get("started_at_ms").asLong());
    assertFalse(log.toString().contains("apikey"), "the log keeps no keys");
  }

  @Test
  void badFaultsAreRefused() {
    assertEquals(400, Http.put(base + "/_sim/faults/fmp", "{\"mode\":\"explode\"}").status());
    assertEquals(404, Http.put(base + "/_sim/faults/nobody", "{\"mode\":\"503\"}").status());
  }
}
