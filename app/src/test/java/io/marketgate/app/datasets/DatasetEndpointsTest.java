package io.marketgate.app.datasets;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.sim.CallLog;
import io.marketgate.app.sim.Fault;
import io.marketgate.app.sim.SimulatedMarket;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.NodeExtension;
import io.marketgate.app.testkit.SharedSimulator;
import io.marketgate.app.testkit.TestNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every data endpoint of the README's API table on a running node against the built-in simulator
 * (the providers' real formats over HTTP): the normalised {@code data}, the envelope and the calls
 * it cost.
 */
@ExtendWith(LogCapturingExtension.class)
class DatasetEndpointsTest {
  @RegisterExtension static final NodeExtension node = NodeExtension.with().resettingSimulator();

  private static JsonNode ok(String path) {
    Http.Answer answer = Http.get(node.url(path));
    assertEquals(200, answer.status(), path + " -> " + answer.body());
    assertEquals("application/json", answer.header("Content-Type"));
    JsonNode json = answer.json();
    assertTrue(json.get("confidence").asDouble() > 0, "confidence present");
    assertNotNull(json.get("fetched_at").asText());
    return json;
  }

  private static List<CallLog.Call> calls(String provider) {
    return node.simulator().callsOf(provider);
  }

  private static void assertDecimal(long expected, JsonNode actual) {
    assertEquals(
        0,
        BigDecimal.valueOf(expected).compareTo(actual.decimalValue()),
        "expected " + expected + " got " + actual);
  }

  @Test
  void fundamentalsAnswerTheRequestedStatementAndPeriod() {
    JsonNode json = ok("/api/v1/fundamentals/NVDA?statement=balance&period=quarterly");
    assertEquals("fundamentals", json.get("dataset").asText());
    assertEquals("fmp", json.get("provider_used").asText());
    JsonNode data = json.get("data");
    assertEquals("NVDA", data.get("symbol").asText());
    assertEquals("balance", data.get("statement").asText());
    assertEquals("quarterly", data.get("period").asText());
    assertEquals("USD", data.get("currency").asText());
    SimulatedMarket.Financials latest = SimulatedMarket.financials("NVDA", true, 0);
    JsonNode first = data.get("reports").get(0);
    assertEquals(latest.periodEnd().toString(), first.get("fiscal_date_ending").asText());
    assertEquals(latest.fiscalPeriod(), first.get("fiscal_period").asText());
    assertDecimal(latest.totalAssets(), first.get("total_assets"));
    assertDecimal(latest.totalLiabilities(), first.get("total_liabilities"));
    assertDecimal(latest.totalAssets() - latest.totalLiabilities(), first.get("total_equity"));
    assertFalse(first.has("revenue"), "only the fields of the requested statement");
    assertEquals(
        List.of("balance-sheet-statement"),
        calls("fmp").stream().map(CallLog.Call::endpoint).toList());

    JsonNode income = ok("/api/v1/fundamentals/NVDA").get("data");
    assertEquals("income", income.get("statement").asText());
    assertEquals("annual", income.get("period").asText());
    SimulatedMarket.Financials year = SimulatedMarket.financials("NVDA", false, 0);
    assertDecimal(year.revenue(), income.at("/reports/0/revenue"));
    assertDecimal(year.revenue() - year.costOfRevenue(), income.at("/reports/0/gross_profit"));
    assertEquals(2, calls("fmp").size(), "each statement and period is its own cache entry");

    assertTrue(
        ok("/api/v1/fundamentals/NVDA?statement=balance&period=quarterly")
            .get("cached")
            .asBoolean());
    assertEquals(2, calls("fmp").size());
  }

  @Test
  void badFundamentalsParametersAre400WithoutACall() {
    for (String query : List.of("statement=ratios", "period=weekly", "statement=")) {
      Http.Answer answer = Http.get(node.url("/api/v1/fundamentals/AAPL?" + query));
      assertEquals(400, answer.status(), query);
      assertEquals("application/problem+json", answer.header("Content-Type"));
    }
    assertEquals(0, node.simulator().calls().total());
  }

  @Test
  void companyProfile() {
    JsonNode data = ok("/api/v1/company/ORCL").get("data");
    assertEquals("ORCL", data.get("symbol").asText());
    assertEquals("ORCL Inc.", data.get("name").asText());
    assertEquals("NASDAQ", data.get("exchange").asText());
    assertEquals("US", data.get("country").asText());
    assertEquals("USD", data.get("currency").asText());
    assertEquals("Ms. Jane Doe", data.get("ceo").asText());
    assertTrue(data.get("market_cap").decimalValue().signum() > 0);
    assertTrue(data.get("employees").asLong() > 0, "FMP sends employees as a string");
    for (String field : List.of("sector", "industry", "website", "description"))
      assertFalse(data.get(field).isNull(), field);
  }

  @Test
  void earningsFallBackFromFmpToPolygon() {
    node.simulator().setFault("fmp", Fault.of(Fault.Mode.UNAVAILABLE).times(1));
    JsonNode json = ok("/api/v1/earnings/ADBE");
    assertEquals("polygon_fallback", json.get("provider_used").asText());
    assertEquals("polygon", json.get("source").asText());
    assertEquals(List.of("fmp", "polygon"), texts(json.at("/metadata/providers_attempted")));
    JsonNode events = json.at("/data/events");
    assertEquals(4, events.size());
    SimulatedMarket.Financials latest = SimulatedMarket.financials("ADBE", true, 0);
    assertEquals(latest.periodEnd().plusDays(30).toString(), events.get(0).get("date").asText());
    assertEquals(
        latest.fiscalPeriod() + " " + latest.fiscalYear(),
        events.get(0).get("fiscal_period").asText());
    assertEquals(0, latest.eps().compareTo(events.get(0).get("eps_actual").decimalValue()));
    assertEquals(
        0,
        latest
            .eps()
            .subtract(new BigDecimal("0.05"))
            .compareTo(events.get(0).get("eps_estimate").decimalValue()));
    assertDecimal(latest.revenue(), events.get(0).get("revenue_actual"));
    assertTrue(
        events.get(0).get("date").asText().compareTo(events.get(3).get("date").asText()) > 0,
        "newest first");

    JsonNode fromFmp = ok("/api/v1/earnings/INTU");
    assertEquals("fmp", fromFmp.get("provider_used").asText());
    assertEquals(4, fromFmp.at("/data/events").size());
  }

  @Test
  void optionsFlowFromThePolygonChainSnapshot() {
    JsonNode json = ok("/api/v1/options-flow/TSLA");
    assertEquals("options_flow", json.get("dataset").asText());
    assertEquals("polygon", json.get("provider_used").asText());
    JsonNode contracts = json.at("/data/contracts");
    assertEquals(10, contracts.size());
    Set<String> types = new HashSet<>();
    for (JsonNode c : contracts) {
      assertTrue(c.get("contract").asText().startsWith("O:TSLA"), c.toString());
      types.add(c.get("type").asText());
      assertTrue(c.get("strike").decimalValue().signum() > 0);
      assertEquals("2026-12-18", c.get("expiration").asText());
      assertTrue(c.get("last_price").decimalValue().signum() > 0);
      assertTrue(c.get("open_interest").asLong() > 0);
      assertTrue(c.get("implied_volatility").asDouble() > 0);
      assertFalse(c.get("delta").isNull());
    }
    assertEquals(Set.of("call", "put"), types);
    assertEquals(
        List.of("options_snapshot"),
        calls("polygon").stream().map(CallLog.Call::endpoint).toList());
  }

  @Test
  void economicSeriesTurnsMissingValuesIntoNull() {
    JsonNode json = ok("/api/v1/economic/cpiaucsl");
    assertEquals("CPIAUCSL", json.get("symbol").asText());
    assertEquals("fred", json.get("provider_used").asText());
    JsonNode data = json.get("data");
    assertEquals("CPIAUCSL", data.get("series_id").asText());
    assertEquals("lin", data.get("units").asText());
    JsonNode observations = data.get("observations");
    assertEquals(120, observations.size());
    assertEquals(
        "2026-10-01", observations.get(119).get("date").asText(), "oldest first, newest last");
    int missing = 0;
    for (int i = 0; i < observations.size(); i++) {
      JsonNode o = observations.get(i);
      if (i > 0)
        assertTrue(
            o.get("date").asText().compareTo(observations.get(i - 1).get("date").asText()) > 0);
      if (o.get("value").isNull()) missing++;
      else assertTrue(o.get("value").decimalValue().signum() > 0);
    }
    assertEquals(17, missing, "FRED's \".\" (every seventh month in the simulator) is null");

    Http.Answer unknown = Http.get(node.url("/api/v1/economic/ZZNOSERIES"));
    assertEquals(404, unknown.status(), unknown.body());
    assertEquals("NOT_FOUND", unknown.json().at("/errors/0/code").asText());
    Http.Answer bad = Http.get(node.url("/api/v1/economic/GDP%3BDROP"));
    assertEquals(400, bad.status());
  }

  @Test
  void newsIsMergedFromAllSourcesDeduplicatedNewestFirst() {
    JsonNode json = ok("/api/v1/news/AMZN");
    assertEquals(
        List.of("newsapi", "polygon", "fmp"), texts(json.at("/metadata/providers_attempted")));
    assertEquals("newsapi+polygon+fmp", json.get("provider_used").asText());
    JsonNode articles = json.at("/data/articles");
    List<String> urls = new ArrayList<>();
    for (JsonNode a : articles) urls.add(a.get("url").asText());
    assertEquals(
        1,
        urls.stream().filter(SimulatedMarket.syndicatedStoryUrl("AMZN")::equals).count(),
        "one article per URL");
    assertEquals(urls.size(), new HashSet<>(urls).size());
    assertEquals(
        5 + 3 + 3 - 2,
        articles.size(),
        "5 NewsAPI (its [Removed] one skipped) + 3 Polygon + 3 FMP, the shared story once");
    for (int i = 1; i < articles.size(); i++) {
      assertTrue(
          articles
                  .get(i - 1)
                  .get("published_at")
                  .asText()
                  .compareTo(articles.get(i).get("published_at").asText())
              >= 0,
          "newest first");
    }
    assertEquals(
        "Business Daily",
        articles.get(0).get("source").asText(),
        "the first source in priority order keeps a shared story");
  }

  @Test
  void newsMergeSucceedsWithOneSourceFailing() {
    node.simulator().setFault("newsapi", Fault.of(Fault.Mode.UNAVAILABLE));
    try {
      JsonNode json = ok("/api/v1/news/NFLX");
      assertEquals(
          List.of("newsapi", "polygon", "fmp"), texts(json.at("/metadata/providers_attempted")));
      assertEquals("polygon+fmp", json.get("provider_used").asText());
      assertEquals("NETWORK_ERROR", json.at("/metadata/errors/0/code").asText());
      assertEquals("newsapi", json.at("/metadata/errors/0/provider").asText());
      assertEquals(3 + 3 - 1, json.at("/data/articles").size());
    } finally {
      node.simulator().setFault("newsapi", Fault.NONE);
    }
  }

  @Test
  void symbolSearch() {
    JsonNode json = ok("/api/v1/search?q=%20Micro%20%20Soft%20");
    assertEquals("search", json.get("dataset").asText());
    JsonNode data = json.get("data");
    assertEquals("micro soft", data.get("query").asText(), "trimmed, spaces collapsed, lower case");
    JsonNode matches = data.get("matches");
    assertEquals(3, matches.size());
    assertEquals("MICRO-SOFT", matches.get(0).get("symbol").asText());
    assertEquals("NASDAQ", matches.get(0).get("exchange").asText());
    assertEquals("USD", matches.get(0).get("currency").asText());
    assertEquals("GBp", matches.get(1).get("currency").asText());
    assertTrue(
        ok("/api/v1/search?q=micro+soft").get("cached").asBoolean(),
        "equal queries share one cache entry");
    assertEquals(1, node.simulator().calls().total());

    assertEquals(400, Http.get(node.url("/api/v1/search")).status());
    assertEquals(400, Http.get(node.url("/api/v1/search?q=%3Cscript%3E")).status());
    assertEquals(1, node.simulator().calls().total());
  }

  @Test
  void aDatasetWithoutAConfiguredProviderIsA503WithoutWork() {
    try (SharedSimulator sim = SharedSimulator.start();
        TestNode quotesOnly =
            TestNode.start(
                String.join(
                    "\n",
                    "marketgate.simulator.mode = off",
                    "marketgate.providers.fmp.base-url = \""
                        + sim.simulator().baseUrl()
                        + "/fmp/stable\"",
                    "marketgate.providers.fmp.api-key = \"test-fmp-key\""))) {
      Http.Answer economic = Http.get(quotesOnly.url("/api/v1/economic/GDP"));
      assertEquals(503, economic.status(), economic.body());
      assertEquals("/problems/dataset-unavailable", economic.json().get("type").asText());
      assertEquals(200, Http.get(quotesOnly.url("/api/v1/quotes/AAPL")).status());
      Http.Answer news = Http.get(quotesOnly.url("/api/v1/news/AAPL"));
      assertEquals(200, news.status(), "news merges whichever of its sources are configured");
      assertEquals(List.of("fmp"), texts(news.json().at("/metadata/providers_attempted")));
      assertEquals(2, sim.simulator().calls().total());
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
