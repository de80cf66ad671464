package io.marketgate.app.sim;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.provider.AdapterResult;
import io.marketgate.app.provider.alphavantage.AlphaVantageAdapter;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.SharedSimulator;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.data.CompanyProfile;
import io.marketgate.protocol.data.FinancialStatement;
import io.marketgate.protocol.data.Quote;
import io.marketgate.protocol.data.SymbolSearch;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The simulated Alpha Vantage over HTTP: every function in its real shape, read back by the real
 * adapter into the simulated market's numbers; unknown symbols, bad keys and every fault answered
 * as Alpha Vantage answers them, with status 200.
 */
@ExtendWith(LogCapturingExtension.class)
class AlphaVantageSimulationTest {
  private static final String KEY = "sim-av-key-0042";
  private static SharedSimulator sim;

  @BeforeAll
  static void start() {
    sim = SharedSimulator.start();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @BeforeEach
  void reset() {
    sim.simulator().reset();
  }

  private static Http.Answer query(String params) {
    return Http.get(sim.simulator().baseUrl() + "/alphavantage/query?" + params);
  }

  /** The simulator's answer to what the adapter asks for {@code key}, as the adapter reads it. */
  private static AdapterResult fetch(AlphaVantageAdapter adapter, FetchKey key) {
    var request = adapter.request(key, KEY);
    Http.Answer answer =
        Http.get(sim.simulator().baseUrl() + "/alphavantage" + request.pathAndQuery());
    assertEquals(200, answer.status(), "Alpha Vantage answers everything with 200");
    return adapter.parse(key, request, answer.status(), answer.raw().body());
  }

  private static <T> T success(AdapterResult result, Class<T> type) {
    return type.cast(
        assertInstanceOf(AdapterResult.Success.class, result, result.toString()).record());
  }

  private static ProviderErrorCode failure(AdapterResult result) {
    return assertInstanceOf(AdapterResult.Failure.class, result, result.toString()).code();
  }

  private static AlphaVantageAdapter adapter(AlphaVantageAdapter.QuoteEndpoint endpoint) {
    return new AlphaVantageAdapter(endpoint, Clock.systemUTC());
  }

  private static void assertAmount(BigDecimal expected, BigDecimal actual) {
    assertNotNull(actual);
    assertEquals(0, expected.compareTo(actual), "expected " + expected + " got " + actual);
  }

  @Test
  void globalQuoteAndDailyBarsGiveTheSimulatedQuote() {
    SimulatedMarket.Numbers n = SimulatedMarket.quote("NVDA");
    for (var endpoint : AlphaVantageAdapter.QuoteEndpoint.values()) {
      Quote q = success(fetch(adapter(endpoint), FetchKey.of(Dataset.QUOTE, "NVDA")), Quote.class);
      assertEquals("NVDA", q.symbol());
      assertAmount(n.price(), q.price());
      assertAmount(n.previousClose(), q.previousClose());
      assertAmount(n.change(), q.change());
      assertAmount(n.open(), q.open());
      assertAmount(n.dayHigh(), q.dayHigh());
      assertAmount(n.dayLow(), q.dayLow());
      assertEquals(n.volume(), q.volume());
      assertEquals(endpoint == AlphaVantageAdapter.QuoteEndpoint.DAILY, q.delayed());
    }
    assertEquals(
        Map.of("alphavantage global_quote", 1L, "alphavantage time_series_daily", 1L),
        sim.simulator().calls().perEndpoint());
  }

  @Test
  void dailyBarsAreOneHundredWeekdaysNewestFirst() {
    JsonNode json =
        query("function=TIME_SERIES_DAILY&symbol=NVDA&outputsize=compact&apikey=" + KEY).json();
    assertEquals("NVDA", json.at("/Meta Data/2. Symbol").asText());
    List<String> days = new java.util.ArrayList<>();
    json.get("Time Series (Daily)").fieldNames().forEachRemaining(days::add);
    assertEquals(100, days.size());
    assertEquals(days.stream().sorted(java.util.Comparator.reverseOrder()).toList(), days);
    for (String d : days) {
      var weekday = java.time.LocalDate.parse(d).getDayOfWeek();
      assertTrue(
          weekday != java.time.DayOfWeek.SATURDAY && weekday != java.time.DayOfWeek.SUNDAY, d);
      JsonNode bar = json.at("/Time Series (Daily)/" + d);
      assertTrue(
          new BigDecimal(bar.get("2. high").asText())
                  .compareTo(new BigDecimal(bar.get("3. low").asText()))
              >= 0,
          d);
      assertTrue(new BigDecimal(bar.get("3. low").asText()).signum() > 0, d);
    }
  }

  @Test
  void overviewAndStatementsGiveTheSimulatedCompany() {
    AlphaVantageAdapter adapter = adapter(AlphaVantageAdapter.QuoteEndpoint.GLOBAL_QUOTE);
    CompanyProfile p =
        success(fetch(adapter, FetchKey.of(Dataset.COMPANY, "ORCL")), CompanyProfile.class);
    assertEquals("ORCL", p.symbol());
    assertEquals("ORCL Inc.", p.name());
    assertEquals("US", p.country());
    assertEquals("USD", p.currency());
    assertTrue(p.marketCap().signum() > 0);

    SimulatedMarket.Financials year = SimulatedMarket.financials("ORCL", false, 0);
    FinancialStatement income =
        success(fetch(adapter, statement("income", "annual")), FinancialStatement.class);
    assertEquals(8, income.reports().size(), "the newest eight of ten");
    FinancialStatement.Income i = (FinancialStatement.Income) income.reports().get(0);
    assertEquals(year.periodEnd(), i.fiscalDateEnding());
    assertAmount(BigDecimal.valueOf(year.revenue()), i.revenue());
    assertAmount(BigDecimal.valueOf(year.revenue() - year.costOfRevenue()), i.grossProfit());
    assertAmount(BigDecimal.valueOf(year.netIncome()), i.netIncome());

    SimulatedMarket.Financials quarter = SimulatedMarket.financials("ORCL", true, 0);
    FinancialStatement balance =
        success(fetch(adapter, statement("balance", "quarterly")), FinancialStatement.class);
    FinancialStatement.Balance b = (FinancialStatement.Balance) balance.reports().get(0);
    assertEquals(quarter.periodEnd(), b.fiscalDateEnding());
    assertAmount(
        BigDecimal.valueOf(quarter.totalAssets() - quarter.totalLiabilities()), b.totalEquity());

    FinancialStatement cash =
        success(fetch(adapter, statement("cash_flow", "annual")), FinancialStatement.class);
    FinancialStatement.CashFlow c = (FinancialStatement.CashFlow) cash.reports().get(0);
    assertAmount(BigDecimal.valueOf(year.capitalExpenditure()), c.capitalExpenditure());
    assertAmount(
        BigDecimal.valueOf(year.operatingCashFlow() + year.capitalExpenditure()), c.freeCashFlow());
  }

  private static FetchKey statement(String statement, String period) {
    return FetchKey.of(
        Dataset.FUNDAMENTALS, "ORCL", Map.of("statement", statement, "period", period));
  }

  @Test
  void searchFindsTheListingsOfAKnownName() {
    SymbolSearch s =
        success(
            fetch(
                adapter(AlphaVantageAdapter.QuoteEndpoint.GLOBAL_QUOTE),
                FetchKey.of(Dataset.SEARCH, "tesla")),
            SymbolSearch.class);
    assertEquals(
        List.of("TESLA", "TESLA.LON", "TESLA.DEX"),
        s.matches().stream().map(SymbolSearch.Match::symbol).toList());
    assertEquals("GBX", s.matches().get(1).currency());
    assertEquals(
        List.of(),
        success(
                fetch(
                    adapter(AlphaVantageAdapter.QuoteEndpoint.GLOBAL_QUOTE),
                    FetchKey.of(Dataset.SEARCH, "zzqx")),
                SymbolSearch.class)
            .matches());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "function=GLOBAL_QUOTE&symbol=ZZQX, {\"Global Quote\":{}}",
    "function=OVERVIEW&symbol=ZZQX, {}",
    "function=CASH_FLOW&symbol=ZZQX, {}",
  })
  void anUnknownSymbolIsAnsweredAsAlphaVantageDoes(String params, String body) {
    Http.Answer answer = query(params + "&apikey=" + KEY);
    assertEquals(200, answer.status());
    assertEquals(io.marketgate.app.json.Json.parse(body.getBytes()), answer.json());
  }

  @Test
  void unknownSymbolsAreNotFoundForTheAdapter() {
    for (var endpoint : AlphaVantageAdapter.QuoteEndpoint.values()) {
      assertEquals(
          ProviderErrorCode.NOT_FOUND,
          failure(fetch(adapter(endpoint), FetchKey.of(Dataset.QUOTE, "ZZQX"))),
          endpoint.name());
    }
    assertEquals(
        ProviderErrorCode.NOT_FOUND,
        failure(
            fetch(
                adapter(AlphaVantageAdapter.QuoteEndpoint.GLOBAL_QUOTE),
                FetchKey.of(Dataset.COMPANY, "ZZQX"))));
  }

  @ParameterizedTest(name = "apikey={0}")
  @CsvSource(value = {"''", "invalid-key-1"})
  void aBadKeyIsRefusedWithStatus200(String key) {
    Http.Answer answer = query("function=GLOBAL_QUOTE&symbol=IBM&apikey=" + key);
    assertEquals(200, answer.status());
    assertTrue(
        answer
            .json()
            .get("Error Message")
            .asText()
            .startsWith("the parameter apikey is invalid or missing"),
        answer.body());
  }

  @Test
  void anUnknownFunctionDoesNotExist() {
    assertEquals(
        "This API function (GLOBAL_QUOTES) does not exist.",
        query("function=GLOBAL_QUOTES&symbol=IBM&apikey=" + KEY)
            .json()
            .get("Error Message")
            .asText());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "RATE_LIMIT, Note, RATE_LIMIT",
    "DAILY_LIMIT, Information, RATE_LIMIT",
    "ERROR_BODY, Error Message, NOT_FOUND",
    "NOT_ENTITLED, Information, NOT_ENTITLED",
    "BAD_KEY, Error Message, UNAUTHORIZED",
  })
  void faultsComeInAlphaVantageShapesWithStatus200(
      Fault.Mode mode, String field, ProviderErrorCode code) {
    sim.simulator().setFault("alphavantage", Fault.of(mode));
    AlphaVantageAdapter adapter = adapter(AlphaVantageAdapter.QuoteEndpoint.DAILY);
    FetchKey key = FetchKey.of(Dataset.QUOTE, "IBM");
    var request = adapter.request(key, KEY);
    Http.Answer answer =
        Http.get(sim.simulator().baseUrl() + "/alphavantage" + request.pathAndQuery());
    assertEquals(200, answer.status());
    assertTrue(answer.json().has(field), answer.body());
    assertEquals(code, failure(adapter.parse(key, request, answer.status(), answer.raw().body())));
    if (mode == Fault.Mode.ERROR_BODY)
      assertTrue(
          answer.json().get(field).asText().endsWith("for TIME_SERIES_DAILY."), answer.body());
  }

  @Test
  void theDailyLimitFaultIsTheRateLimitOfProvidersWithoutOne() {
    sim.simulator().setFault("fmp", Fault.of(Fault.Mode.DAILY_LIMIT).times(1));
    assertEquals(
        429,
        Http.get(sim.simulator().baseUrl() + "/fmp/stable/quote?symbol=AAPL&apikey=k").status());
    assertEquals(
        200,
        Http.put(
                sim.simulator().baseUrl() + "/_sim/faults/alphavantage",
                "{\"mode\":\"daily_limit\"}")
            .status());
    assertEquals(
        "daily_limit",
        Http.get(sim.simulator().baseUrl() + "/_sim/faults")
            .json()
            .at("/alphavantage/mode")
            .asText());
  }
}
