package io.marketgate.app.datasets;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.sim.CallLog;
import io.marketgate.app.sim.Fault;
import io.marketgate.app.sim.SimulatedMarket;
import io.marketgate.app.testkit.Eventually;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.NodeExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST /api/v1/quotes/batch}: cache first, multi-symbol provider calls, single-flight per
 * symbol.
 */
@ExtendWith(LogCapturingExtension.class)
class BatchQuotesTest {
  @RegisterExtension
  static final NodeExtension node =
      NodeExtension.with("marketgate.providers.fmp.max-batch-size = 10").resettingSimulator();

  private static List<CallLog.Call> fmpCalls(String endpoint) {
    return node.simulator().callsOf("fmp").stream()
        .filter(c -> c.endpoint().equals(endpoint))
        .toList();
  }

  @Test
  void twentyFiveSymbolsFiveCachedCostTwoBatchCallsOfTen() {
    List<String> all = BatchBodies.symbols("BQ", 25);
    for (String s : all.subList(0, 5))
      assertEquals(200, Http.get(node.url("/api/v1/quotes/" + s)).status());
    node.simulator().reset();

    Http.Answer answer = Http.post(node.url("/api/v1/quotes/batch"), BatchBodies.body(all));
    assertEquals(200, answer.status(), answer.body());
    JsonNode json = answer.json();

    List<CallLog.Call> batches = fmpCalls("batch_quote");
    assertEquals(2, batches.size(), "20 misses in calls of at most 10: " + batches);
    assertEquals(2, node.simulator().calls().total(), "nothing else was called");
    List<String> fetched = new ArrayList<>();
    for (CallLog.Call c : batches) {
      List<String> inCall = Arrays.asList(c.symbol().split(","));
      assertEquals(10, inCall.size());
      fetched.addAll(inCall);
    }
    assertEquals(all.subList(5, 25).stream().sorted().toList(), fetched.stream().sorted().toList());

    JsonNode summary = json.get("summary");
    assertEquals(25, summary.get("total").asInt());
    assertEquals(25, summary.get("successful").asInt());
    assertEquals(0, summary.get("failed").asInt());
    assertEquals(5, summary.get("cached").asInt());
    assertEquals(20, summary.get("fresh").asInt());
    assertTrue(summary.get("total_duration_ms").asLong() >= 0);

    JsonNode results = json.get("results");
    assertEquals(25, results.size());
    for (int i = 0; i < 25; i++) {
      JsonNode r = results.get(i);
      String symbol = all.get(i);
      assertEquals(symbol, r.get("symbol").asText(), "results in the order asked");
      assertEquals(200, r.get("status").asInt());
      assertEquals(i < 5, r.get("cached").asBoolean(), symbol);
      assertEquals(
          0,
          SimulatedMarket.quote(symbol).price().compareTo(r.at("/data/price").decimalValue()),
          symbol);
    }

    for (String s : all.subList(5, 25)) {
      assertTrue(
          Http.get(node.url("/api/v1/quotes/" + s)).json().get("cached").asBoolean(),
          s + " landed in its entity");
    }
    assertEquals(2, node.simulator().calls().total());
  }

  @Test
  void aSingleRequestDuringTheBatchJoinsItsCall() throws Exception {
    List<String> all = BatchBodies.symbols("BJ", 12);
    node.simulator().setFault("fmp", Fault.latency(600));
    try {
      CompletableFuture<Http.Answer> batch =
          CompletableFuture.supplyAsync(
              () -> Http.post(node.url("/api/v1/quotes/batch"), BatchBodies.body(all)));
      Eventually.await(
          Duration.ofSeconds(5),
          "both batch calls sent",
          () -> fmpCalls("batch_quote").size() == 2);
      Http.Answer single = Http.get(node.url("/api/v1/quotes/" + all.get(11)));

      assertEquals(200, single.status(), single.body());
      assertFalse(single.json().get("cached").asBoolean());
      assertTrue(
          single.json().at("/metadata/coalesced").asBoolean(), "it waited for the batch's call");
      assertEquals(200, batch.get().status());
      assertEquals(12, batch.get().json().at("/summary/successful").asInt());
      assertEquals(
          2,
          node.simulator().calls().total(),
          "12 symbols in calls of 10 and 2, and no call for the single request");
      assertTrue(fmpCalls("quote").isEmpty());
    } finally {
      node.simulator().setFault("fmp", Fault.NONE);
    }
  }

  @Test
  void duplicatesInvalidAndUnknownSymbolsAreAnsweredPerSymbol() {
    Http.Answer answer =
        Http.post(
            node.url("/api/v1/quotes/batch"),
            BatchBodies.body(List.of("bda", "BDA", "BAD;SYM", "ZZNOPE", "BDB")));
    assertEquals(200, answer.status(), answer.body());
    JsonNode json = answer.json();
    JsonNode summary = json.get("summary");
    assertEquals(4, summary.get("total").asInt(), "BDA asked twice is one result");
    assertEquals(2, summary.get("successful").asInt());
    assertEquals(2, summary.get("failed").asInt());
    JsonNode results = json.get("results");
    assertEquals("BDA", results.get(0).get("symbol").asText());
    assertTrue(results.get(0).at("/metadata/deduplicated").asBoolean());
    assertEquals(
        "ZZNOPE",
        results.get(1).get("symbol").asText(),
        "valid symbols in the order asked, invalid ones after them");
    assertEquals(404, results.get(1).get("status").asInt(), results.toString());
    assertEquals("NOT_FOUND", results.get(1).at("/error/errors/0/code").asText());
    assertEquals("BDB", results.get(2).get("symbol").asText());
    assertEquals("BAD;SYM", results.get(3).get("symbol").asText());
    assertEquals(400, results.get(3).get("status").asInt());
    assertEquals("/problems/invalid-symbol", results.get(3).at("/error/type").asText());
  }

  @Test
  void aFailingBatchCallFallsBackPerSymbol() {
    node.simulator().setFault("fmp", Fault.of(Fault.Mode.UNAVAILABLE).times(1));
    Http.Answer answer =
        Http.post(node.url("/api/v1/quotes/batch"), BatchBodies.body(BatchBodies.symbols("BF", 3)));
    assertEquals(200, answer.status());
    JsonNode results = answer.json().get("results");
    for (JsonNode r : results) {
      assertEquals(200, r.get("status").asInt(), r.toString());
      assertEquals("polygon_fallback", r.get("provider_used").asText());
    }
    assertEquals(1, fmpCalls("batch_quote").size());
    assertEquals(3, node.simulator().callsOf("polygon").size());
  }

  @Test
  void oversizedOrMalformedBatchesAre400WithoutACall() {
    for (String bad :
        List.of(
            BatchBodies.body(
                BatchBodies.symbols("X", 26).stream()
                    .flatMap(s -> IntStream.range(0, 4).mapToObj(i -> s + i))
                    .toList()),
            "{\"symbols\":[]}",
            "{\"symbols\":\"AAPL\"}",
            "{\"symbols\":[1,2]}",
            "not json",
            "{}")) {
      Http.Answer answer = Http.post(node.url("/api/v1/quotes/batch"), bad);
      assertEquals(400, answer.status(), bad + " -> " + answer.body());
      assertEquals("application/problem+json", answer.header("Content-Type"));
    }
    assertEquals(0, node.simulator().calls().total());
  }
}
