package io.marketgate.app.sim;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.SharedSimulator;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The simulated Tiingo paths, its key handling and its fault shapes, as a client sees them. */
@ExtendWith(LogCapturingExtension.class)
class TiingoSimulationTest {
  private static final String[] TOKEN = {"Authorization", "Token sim-tiingo-key"};
  private static SharedSimulator sim;
  private static String base;

  @BeforeAll
  static void start() {
    sim = SharedSimulator.start();
    base = sim.simulator().baseUrl() + "/tiingo";
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @BeforeEach
  void reset() {
    sim.simulator().reset();
  }

  @Test
  void iexTopOfBookForSeveralTickersLeavesUnknownOnesOut() {
    Http.Answer answer = Http.get(base + "/iex/?tickers=aapl,zzzz,msft", TOKEN);
    assertEquals(200, answer.status(), answer.body());
    JsonNode array = answer.json();
    assertEquals(2, array.size());
    JsonNode aapl = array.get(0);
    SimulatedMarket.Numbers n = SimulatedMarket.quote("AAPL");
    assertEquals("AAPL", aapl.get("ticker").asText());
    assertEquals(0, n.price().compareTo(aapl.get("tngoLast").decimalValue()));
    assertEquals(0, n.previousClose().compareTo(aapl.get("prevClose").decimalValue()));
    assertTrue(aapl.get("last").isNull(), "no IEX agreement: no last trade");
    assertEquals("MSFT", array.get(1).get("ticker").asText());

    CallLog.Call call = sim.simulator().callsOf("tiingo").get(0);
    assertEquals("iex_batch", call.endpoint());
    assertEquals("AAPL,ZZZZ,MSFT", call.symbol());
  }

  @Test
  void iexOfOneTickerByPathOrQueryAndAnUnknownOneIsEmpty() {
    assertEquals("AAPL", Http.get(base + "/iex/aapl", TOKEN).json().get(0).get("ticker").asText());
    assertEquals(
        "AAPL", Http.get(base + "/iex?tickers=aapl", TOKEN).json().get(0).get("ticker").asText());
    Http.Answer unknown = Http.get(base + "/iex/?tickers=zznope", TOKEN);
    assertEquals(200, unknown.status());
    assertEquals("[]", unknown.body());
    assertEquals(
        List.of("iex", "iex", "iex"),
        sim.simulator().callsOf("tiingo").stream().map(CallLog.Call::endpoint).toList());
  }

  @Test
  void endOfDayPricesAndMetadata() {
    JsonNode bars = Http.get(base + "/tiingo/daily/aapl/prices", TOKEN).json();
    assertEquals(1, bars.size());
    assertEquals(
        0,
        SimulatedMarket.quote("AAPL").price().compareTo(bars.get(0).get("close").decimalValue()));
    assertTrue(bars.get(0).get("date").asText().endsWith("T00:00:00.000Z"));

    JsonNode meta = Http.get(base + "/tiingo/daily/aapl", TOKEN).json();
    assertEquals("AAPL", meta.get("ticker").asText());
    assertEquals("AAPL Inc.", meta.get("name").asText());
    assertEquals("NASDAQ", meta.get("exchangeCode").asText());

    Http.Answer noPrices = Http.get(base + "/tiingo/daily/zznope/prices", TOKEN);
    assertEquals(404, noPrices.status());
    assertEquals("Error: Ticker 'zznope' not found", noPrices.json().get("detail").asText());
    Http.Answer noMeta = Http.get(base + "/tiingo/daily/zznope", TOKEN);
    assertEquals(404, noMeta.status());
    assertEquals("Not found.", noMeta.json().get("detail").asText());
    assertEquals(
        List.of("daily_prices", "daily_meta", "daily_prices", "daily_meta"),
        sim.simulator().callsOf("tiingo").stream().map(CallLog.Call::endpoint).toList());
  }

  @Test
  void aMissingOrInvalidTokenIsRefusedAsTiingoDoes() {
    assertEquals(
        200,
        Http.get(base + "/iex/aapl?token=sim-tiingo-key").status(),
        "the token may travel in the query too");
    Http.Answer none = Http.get(base + "/iex/aapl");
    assertEquals(401, none.status());
    assertEquals("Please supply a token", none.json().get("detail").asText());
    Http.Answer invalid =
        Http.get(base + "/tiingo/daily/aapl", "Authorization", "Token invalid-key");
    assertEquals(401, invalid.status());
    assertEquals("Invalid token.", invalid.json().get("detail").asText());
    assertFalse(
        Http.get(sim.simulator().baseUrl() + "/_sim/calls/log").body().contains("sim-tiingo-key"),
        "the log keeps no keys");
  }

  @Test
  void faultsAnswerInTiingoShapes() {
    sim.simulator().setFault("tiingo", Fault.of(Fault.Mode.RATE_LIMIT).times(1));
    Http.Answer limited = Http.get(base + "/iex/aapl", TOKEN);
    assertEquals(429, limited.status());
    assertTrue(
        limited.json().get("detail").asText().contains("run over your hourly request allocation"),
        limited.body());

    sim.simulator().setFault("tiingo", Fault.of(Fault.Mode.NOT_ENTITLED).times(1));
    Http.Answer refused = Http.get(base + "/iex/aapl", TOKEN);
    assertEquals(403, refused.status());
    assertTrue(
        refused.json().get("detail").asText().startsWith("You do not have permission"),
        refused.body());

    sim.simulator().setFault("tiingo", Fault.of(Fault.Mode.BAD_KEY).times(1));
    assertEquals(401, Http.get(base + "/iex/aapl", TOKEN).status());

    assertEquals(
        200,
        Http.put(
                sim.simulator().baseUrl() + "/_sim/faults/tiingo",
                "{\"mode\":\"error_body\",\"count\":1}")
            .status());
    Http.Answer errorBody = Http.get(base + "/iex/aapl", TOKEN);
    assertEquals(200, errorBody.status());
    assertTrue(errorBody.json().has("detail"), errorBody.body());
    assertEquals(200, Http.get(base + "/iex/aapl", TOKEN).status());
  }
}
