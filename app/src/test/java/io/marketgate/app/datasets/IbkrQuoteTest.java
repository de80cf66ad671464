package io.marketgate.app.datasets;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.sim.CallLog;
import io.marketgate.app.sim.SimulatedMarket;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.TestNode;
import java.math.BigDecimal;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Quotes from IBKR alone on a running node over real HTTP, against the simulated Client Portal
 * gateway: the contract search, the snapshot that opens the market data line, the one that carries
 * the data, and the availability that marks a quote delayed.
 */
@ExtendWith(LogCapturingExtension.class)
class IbkrQuoteTest {
  private static TestNode node;

  @BeforeAll
  static void start() {
    node =
        TestNode.start("marketgate.datasets.quote = [ibkr]\nmarketgate.simulator.providers = all");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @BeforeEach
  void resetSimulator() {
    node.simulator().reset();
  }

  private static JsonNode quote(String symbol) {
    Http.Answer answer = Http.get(node.url("/api/v1/quotes/" + symbol));
    assertEquals(200, answer.status(), answer.body());
    return answer.json();
  }

  @Test
  void aSymbolTheGatewayServesDelayedIsAnsweredAsDelayed() {
    JsonNode json = quote("TSLA");

    assertEquals("ibkr", json.get("source").asText());
    JsonNode data = json.get("data");
    assertEquals("TSLA", data.get("symbol").asText());
    assertTrue(data.get("delayed").asBoolean(), "simulated 6509 DPB for symbols from N");
    assertEquals(
        0,
        SimulatedMarket.quote("TSLA")
            .price()
            .compareTo(new BigDecimal(data.get("price").asText())));
    assertEquals(SimulatedMarket.quote("TSLA").volume(), data.get("volume").asLong());
    List<String> endpoints =
        node.simulator().callsOf("ibkr").stream().map(CallLog.Call::endpoint).toList();
    assertEquals(
        List.of("secdef_search", "snapshot", "snapshot"),
        endpoints,
        "search, the opening snapshot, the data");
  }

  @Test
  void aSymbolTheGatewayServesInRealTimeIsNotDelayed() {
    JsonNode json = quote("AMD");
    assertEquals("ibkr", json.get("source").asText());
    assertFalse(json.at("/data/delayed").asBoolean(), "simulated 6509 RpB for symbols up to M");
  }

  @Test
  void anUnknownSymbolIsNotFound() {
    Http.Answer answer = Http.get(node.url("/api/v1/quotes/ZZNOPE"));
    assertEquals(404, answer.status(), answer.body());
    assertEquals(
        List.of("secdef_search"),
        node.simulator().callsOf("ibkr").stream().map(CallLog.Call::endpoint).toList());
  }
}
