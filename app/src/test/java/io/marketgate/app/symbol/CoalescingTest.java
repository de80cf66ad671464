package io.marketgate.app.symbol;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.sim.Fault;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.NodeExtension;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A burst of requests for missing data costs one provider call per key. */
@ExtendWith(LogCapturingExtension.class)
class CoalescingTest {
  // The node's first fetch starts its shard region and HTTP client: not what a herd test
  // measures, and on a busy 2-core machine it can outlast the 1.5 s attempt timeout.
  @RegisterExtension
  static final NodeExtension node = NodeExtension.with().warmedWith("CWARM").resettingSimulator();

  @Test
  void twoHundredConcurrentRequestsForOneColdSymbolCostOneCall() {
    node.simulator().setFault("fmp", Fault.latency(200));
    List<CompletableFuture<Http.Answer>> requests = new ArrayList<>();
    for (int i = 0; i < 200; i++) requests.add(Http.getAsync(node.url("/api/v1/quotes/MSFT")));
    List<Http.Answer> answers = requests.stream().map(CompletableFuture::join).toList();

    assertEquals(1, node.simulator().calls().count("fmp"), "FMP calls");
    assertEquals(0, node.simulator().calls().count("polygon"), "Polygon calls");
    Set<String> distinctData = new HashSet<>();
    int coalesced = 0;
    for (Http.Answer a : answers) {
      assertEquals(200, a.status(), a.body());
      JsonNode json = a.json();
      distinctData.add(json.get("data").toString());
      assertEquals("fmp", json.get("source").asText());
      if (json.at("/metadata/coalesced").asBoolean()) coalesced++;
    }
    assertEquals(1, distinctData.size(), "every caller gets the same data");
    assertTrue(coalesced >= 150, "most callers joined the in-flight fetch, got " + coalesced);
  }

  @Test
  void fiftyColdSymbolsTimesTwentyCostFiftyCalls() {
    node.simulator().setFault("fmp", Fault.latency(200));
    List<CompletableFuture<Http.Answer>> requests = new ArrayList<>();
    for (int round = 0; round < 20; round++) {
      for (int s = 0; s < 50; s++) requests.add(Http.getAsync(node.url("/api/v1/quotes/HERD" + s)));
    }
    for (CompletableFuture<Http.Answer> r : requests) assertEquals(200, r.join().status());

    assertEquals(50, node.simulator().calls().count("fmp"), "one FMP call per symbol");
    assertEquals(0, node.simulator().calls().count("polygon"));
    assertEquals(
        50, node.simulator().callsOf("fmp").stream().map(c -> c.symbol()).distinct().count());
  }

  @Test
  void aCachedAnswerCostsNoCallAndAFresherMaxAgeRefetches() {
    assertEquals(200, Http.get(node.url("/api/v1/quotes/ORCL")).status());
    Http.Answer hit = Http.get(node.url("/api/v1/quotes/ORCL"));
    assertEquals(1, node.simulator().calls().count("fmp"));
    assertEquals("cache", hit.json().get("provider_used").asText());
    assertTrue(hit.json().get("cached").asBoolean());
    assertEquals("cache", hit.header("X-Data-Source"));
    assertEquals("false", hit.header("X-Data-Stale"));
    assertNotNull(hit.header("Age"));

    Http.Answer fresh = Http.get(node.url("/api/v1/quotes/ORCL"), "Cache-Control", "max-age=0");
    assertEquals(2, node.simulator().calls().count("fmp"), "max-age=0 forces a fetch");
    assertEquals("fmp", fresh.json().get("provider_used").asText());
    assertFalse(fresh.json().get("cached").asBoolean());

    Http.Answer withinAge =
        Http.get(node.url("/api/v1/quotes/ORCL"), "Cache-Control", "max-age=60");
    assertTrue(withinAge.json().get("cached").asBoolean());
    assertEquals(2, node.simulator().calls().count("fmp"));
  }
}
