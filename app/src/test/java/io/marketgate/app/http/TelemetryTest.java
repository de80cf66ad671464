package io.marketgate.app.http;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.sim.Fault;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.NodeExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /api/v1/telemetry} counts what this node did, as the requests it served show it. */
@ExtendWith(LogCapturingExtension.class)
class TelemetryTest {
  @RegisterExtension static final NodeExtension node = NodeExtension.with();

  private static JsonNode telemetry() {
    Http.Answer answer = node.adminGet("/api/v1/telemetry");
    assertEquals(200, answer.status(), answer.body());
    return answer.json();
  }

  private static long delta(JsonNode before, JsonNode after, String pointer) {
    return after.at(pointer).asLong() - before.at(pointer).asLong();
  }

  @Test
  void countsCacheResultsProviderCallsBreakerOpeningsAndBatches() {
    JsonNode t0 = telemetry();

    node.simulator().setFault("fmp", Fault.latency(300));
    List<CompletableFuture<Http.Answer>> herd = new ArrayList<>();
    for (int i = 0; i < 50; i++) herd.add(Http.getAsync(node.url("/api/v1/quotes/TLA")));
    herd.forEach(f -> assertEquals(200, f.join().status()));
    node.simulator().setFault("fmp", Fault.NONE);
    JsonNode t1 = telemetry();
    assertEquals(1, delta(t0, t1, "/cache/miss"), "one fetch for the herd");
    assertEquals(
        49,
        delta(t0, t1, "/cache/coalesced") + delta(t0, t1, "/cache/hit"),
        "the others waited for it or read its result");
    assertEquals(1, delta(t0, t1, "/providers/fmp/attempts"));
    assertEquals(1, delta(t0, t1, "/providers/fmp/successes"));

    node.simulator().setFault("fmp", Fault.of(Fault.Mode.UNAVAILABLE));
    for (String s : new String[] {"TLB", "TLC", "TLD", "TLE"})
      assertEquals(200, Http.get(node.url("/api/v1/quotes/" + s)).status());
    node.simulator().setFault("polygon", Fault.of(Fault.Mode.UNAVAILABLE));
    Http.Answer stale = Http.get(node.url("/api/v1/quotes/TLA"), "Cache-Control", "max-age=0");
    assertEquals("true", stale.header("X-Data-Stale"));
    node.simulator().setFault("fmp", Fault.NONE);
    node.simulator().setFault("polygon", Fault.NONE);
    JsonNode t2 = telemetry();
    assertEquals(
        3,
        delta(t1, t2, "/providers/fmp/attempts"),
        "three failures open the breaker; no call after that: "
            + node.simulator().callsOf("fmp")
            + " "
            + t2);
    assertEquals(3, delta(t1, t2, "/providers/fmp/failures"));
    assertEquals(2, delta(t1, t2, "/providers/fmp/refused_by_breaker"));
    assertEquals(1, delta(t1, t2, "/providers/fmp/circuit_open_events"));
    assertEquals(1, delta(t1, t2, "/circuit_open_events"));
    assertEquals(4, delta(t1, t2, "/providers/polygon/successes"));
    assertEquals(1, delta(t1, t2, "/providers/polygon/failures"));
    assertEquals(1, delta(t1, t2, "/cache/stale"));
    assertEquals(
        "open",
        node.adminGet("/api/v1/circuit-breakers").json().at("/circuit_breakers/0/state").asText());
    node.adminPost("/api/v1/circuit-breakers/fmp/reset", "");

    Http.Answer batch =
        Http.post(
            node.url("/api/v1/quotes/batch"), "{\"symbols\":[\"TLA\",\"TLF\",\"ZZTL\",\"BAD;\"]}");
    assertEquals(200, batch.status());
    JsonNode t3 = telemetry();
    assertEquals(1, delta(t2, t3, "/batches/requests"));
    assertEquals(4, delta(t2, t3, "/batches/symbols"));
    assertEquals(1, delta(t2, t3, "/batches/cached"));
    assertEquals(2, delta(t2, t3, "/batches/failed"));

    double hitRate = t3.at("/cache/hit_rate").asDouble();
    double expected = (double) t3.at("/cache/hit").asLong() / t3.at("/cache/lookups").asLong();
    assertEquals(expected, hitRate, 1e-9);
    assertTrue(hitRate > 0 && hitRate < 1);
    assertEquals(node.system().address().toString(), t3.get("node").asText());
  }
}
