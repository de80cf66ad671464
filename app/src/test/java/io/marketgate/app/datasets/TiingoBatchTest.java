package io.marketgate.app.datasets;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.sim.CallLog;
import io.marketgate.app.sim.Fault;
import io.marketgate.app.sim.SimulatedMarket;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.NodeExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tiingo as the batch provider over real HTTP with the simulator: its multi-ticker IEX call in
 * chunks of {@code max-batch-size}, and its hourly 429 resting the key until the next full hour
 * while Polygon serves. The rate-limit test runs last: the node's one key stays cooling after it.
 */
@ExtendWith(LogCapturingExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TiingoBatchTest {
  // A node's first request starts its shard region and journal; a batch sent before that waits
  // for its claims longer than BatchFetch allows, and its symbols are fetched one by one.
  @RegisterExtension
  static final NodeExtension node =
      NodeExtension.with(
              "marketgate.simulator.providers = all",
              "marketgate.datasets.quote = [tiingo, polygon]",
              "marketgate.providers.tiingo.max-batch-size = 10")
          .warmedWith("TWARM")
          .resettingSimulator();

  private static List<CallLog.Call> tiingoCalls() {
    return node.simulator().callsOf("tiingo");
  }

  @Test
  @Order(1)
  void twentyFiveColdSymbolsCostThreeIexCalls() {
    List<String> all = BatchBodies.symbols("TQ", 25);
    Http.Answer answer = Http.post(node.url("/api/v1/quotes/batch"), BatchBodies.body(all));
    assertEquals(200, answer.status(), answer.body());

    List<CallLog.Call> calls = tiingoCalls();
    assertEquals(3, calls.size(), "25 symbols in calls of at most 10: " + calls);
    assertEquals(3, node.simulator().calls().total(), "nothing else was called");
    List<String> fetched = new ArrayList<>();
    for (CallLog.Call c : calls) fetched.addAll(Arrays.asList(c.symbol().split(",")));
    assertEquals(
        List.of(5, 10, 10),
        calls.stream().map(c -> c.symbol().split(",").length).sorted().toList());
    assertEquals(all, fetched.stream().sorted().toList());

    JsonNode summary = answer.json().get("summary");
    assertEquals(25, summary.get("total").asInt());
    assertEquals(25, summary.get("successful").asInt());
    assertEquals(25, summary.get("fresh").asInt());
    JsonNode results = answer.json().get("results");
    for (int i = 0; i < 25; i++) {
      JsonNode r = results.get(i);
      String symbol = all.get(i);
      SimulatedMarket.Numbers n = SimulatedMarket.quote(symbol);
      assertEquals(symbol, r.get("symbol").asText());
      assertEquals(200, r.get("status").asInt(), r.toString());
      assertEquals("tiingo", r.get("provider_used").asText());
      assertEquals(0, n.price().compareTo(r.at("/data/price").decimalValue()), symbol);
      assertEquals(
          0,
          n.change().compareTo(r.at("/data/change").decimalValue()),
          "change from prevClose: " + symbol);
      assertEquals(
          0, n.changePercent().compareTo(r.at("/data/change_percent").decimalValue()), symbol);
    }
  }

  @Test
  @Order(2)
  void anHourlyRateLimitCoolsTheKeyUntilTheNextHourAndPolygonServes() {
    node.simulator().setFault("tiingo", Fault.of(Fault.Mode.RATE_LIMIT).times(1));
    Instant before = Instant.now();
    Http.Answer answer = Http.get(node.url("/api/v1/quotes/TRA"));
    assertEquals(200, answer.status(), answer.body());
    assertEquals("polygon_fallback", answer.json().get("provider_used").asText());
    assertEquals("tiingo", answer.json().at("/metadata/errors/0/provider").asText());
    assertEquals("RATE_LIMIT", answer.json().at("/metadata/errors/0/code").asText());

    JsonNode key = tiingoKeys().get(0);
    assertEquals("cooling", key.get("state").asText(), key.toString());
    assertEquals(1, key.get("rate_limited").asInt());
    Instant until = Instant.parse(key.get("cooling_until").asText());
    long pastFullHour = Math.floorMod(until.getEpochSecond() + 2, 3600);
    assertTrue(pastFullHour <= 4, "until a full hour, not " + until);
    assertTrue(
        until.isAfter(before) && !until.isAfter(before.plus(Duration.ofHours(1)).plusSeconds(2)),
        "the next one, not " + until);

    Http.Answer batch =
        Http.post(node.url("/api/v1/quotes/batch"), BatchBodies.body(List.of("TRB", "TRC", "TRD")));
    assertEquals(200, batch.status(), batch.body());
    for (JsonNode r : batch.json().get("results")) {
      assertEquals(200, r.get("status").asInt(), r.toString());
      assertEquals("polygon_fallback", r.get("provider_used").asText());
    }
    assertEquals(1, tiingoCalls().size(), "the resting key sends nothing more");
    assertEquals(4, node.simulator().callsOf("polygon").size(), "TRA and the three of the batch");
  }

  private static JsonNode tiingoKeys() {
    for (JsonNode p : node.adminGet("/api/v1/api-keys").json().get("providers")) {
      if (p.get("provider").asText().equals("tiingo")) return p.get("keys");
    }
    throw new AssertionError("tiingo missing from /api/v1/api-keys");
  }
}
