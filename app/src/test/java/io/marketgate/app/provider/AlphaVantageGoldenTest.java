package io.marketgate.app.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.app.provider.alphavantage.AlphaVantageAdapter;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.data.CompanyProfile;
import io.marketgate.protocol.data.FinancialStatement;
import io.marketgate.protocol.data.Quote;
import io.marketgate.protocol.data.SymbolSearch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Recorded Alpha Vantage bodies (the shapes of its documentation's IBM and "tesco" examples) of
 * every function Marketgate calls, served over real HTTP: the {@code /query} request with its
 * function, symbol and key, the normalised values field by field, and each error shape, all of
 * which Alpha Vantage sends with status 200.
 */
class AlphaVantageGoldenTest extends GoldenTest {
  private static final String KEY = "golden-key-1234";
  private static final String DAILY = "marketgate.providers.alphavantage.quote-endpoint = daily";

  /** After the 2024-12-06 close (21:00 UTC), two and a half hours before the next UTC midnight. */
  private static final Instant EVENING = Instant.parse("2024-12-06T21:30:00Z");

  private ActorRef<ProviderActor.Command> alphaVantage() {
    return provider("alphavantage", "", "");
  }

  /** The adapter as the registry builds it, but on a fixed clock. */
  private ActorRef<ProviderActor.Command> alphaVantageAt(Instant now, String extraHocon) {
    var settings = ProviderHarness.settings("alphavantage", wiremock.baseUrl(), extraHocon);
    var endpoint = AlphaVantageAdapter.parseQuoteEndpoint(settings.adapter().quoteEndpoint());
    return ProviderHarness.spawn(
        kit, settings, new AlphaVantageAdapter(endpoint, Clock.fixed(now, ZoneOffset.UTC)));
  }

  private void stubFunction(String function, String goldenFile) {
    wiremock.stubFor(
        get(urlPathEqualTo("/query"))
            .withQueryParam("function", equalTo(function))
            .willReturn(okJson(golden(goldenFile))));
  }

  private void verifyCalled(String function, String symbolParam, String symbol) {
    wiremock.verify(
        1,
        getRequestedFor(urlPathEqualTo("/query"))
            .withQueryParam("function", equalTo(function))
            .withQueryParam(symbolParam, equalTo(symbol))
            .withQueryParam("apikey", equalTo(KEY)));
  }

  private static <T> T roundTripped(ProviderOutcome outcome, Class<T> type) {
    return roundTripped(outcome, "alphavantage", type);
  }

  /** Statements: their reports are an interface, encoded but not decoded back. */
  private static <T> T fetched(ProviderOutcome outcome, Class<T> type) {
    return fetched(outcome, "alphavantage", type);
  }

  private static ProviderOutcome.Failed failed(ProviderOutcome outcome) {
    ProviderOutcome.Failed failed =
        assertInstanceOf(ProviderOutcome.Failed.class, outcome, outcome.toString());
    assertEquals("alphavantage", failed.error().provider());
    return failed;
  }

  // ---------------------------------------------------------------- quotes

  @Test
  void globalQuote() {
    stubFunction("GLOBAL_QUOTE", "alphavantage/global-quote-ibm.json");
    Quote q =
        roundTripped(ProviderHarness.fetch(kit, alphaVantageAt(EVENING, ""), "IBM"), Quote.class);

    verifyCalled("GLOBAL_QUOTE", "symbol", "IBM");
    assertEquals("IBM", q.symbol());
    assertDecimal("238.04", q.price());
    assertDecimal("3.29", q.change());
    assertDecimal("1.4015", q.changePercent());
    assertDecimal("234.43", q.open());
    assertDecimal("238.38", q.dayHigh());
    assertDecimal("234.22", q.dayLow());
    assertDecimal("234.75", q.previousClose());
    assertEquals(4028430L, q.volume());
    assertNull(q.currency(), "Alpha Vantage does not say");
    assertEquals(
        Instant.parse("2024-12-06T21:00:00Z"),
        q.asOf(),
        "the close (16:00 New York) of the latest trading day");
    assertFalse(q.delayed());
  }

  @Test
  void globalQuoteWhileTheDayTradesIsAsOfNow() {
    stubFunction("GLOBAL_QUOTE", "alphavantage/global-quote-ibm.json");
    Instant midSession = Instant.parse("2024-12-06T18:00:00Z");
    Quote q =
        roundTripped(
            ProviderHarness.fetch(kit, alphaVantageAt(midSession, ""), "IBM"), Quote.class);
    assertEquals(midSession, q.asOf(), "never after the moment it was fetched");
  }

  @Test
  void dailyQuoteIsTheLatestBarAgainstTheOneBefore() {
    stubFunction("TIME_SERIES_DAILY", "alphavantage/time-series-daily-ibm.json");
    Quote q =
        roundTripped(
            ProviderHarness.fetch(kit, alphaVantageAt(EVENING, DAILY), "IBM"), Quote.class);

    verifyCalled("TIME_SERIES_DAILY", "symbol", "IBM");
    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/query")).withQueryParam("outputsize", equalTo("compact")));
    assertEquals("IBM", q.symbol());
    assertDecimal("238.04", q.price());
    assertDecimal("234.43", q.open());
    assertDecimal("238.38", q.dayHigh());
    assertDecimal("234.22", q.dayLow());
    assertDecimal("234.75", q.previousClose());
    assertDecimal("3.29", q.change());
    assertDecimal("1.4015", q.changePercent());
    assertEquals(4028430L, q.volume());
    assertNull(q.currency());
    assertEquals(Instant.parse("2024-12-06T21:00:00Z"), q.asOf());
    assertTrue(q.delayed(), "an end-of-day bar is delayed data");
  }

  // ---------------------------------------------------------------- company overview

  @Test
  void companyOverview() {
    stubFunction("OVERVIEW", "alphavantage/overview-ibm.json");
    CompanyProfile p =
        roundTripped(
            ProviderHarness.fetch(kit, alphaVantage(), FetchKey.of(Dataset.COMPANY, "IBM")),
            CompanyProfile.class);

    verifyCalled("OVERVIEW", "symbol", "IBM");
    assertEquals("IBM", p.symbol());
    assertEquals("International Business Machines", p.name());
    assertEquals("NYSE", p.exchange());
    assertEquals("TECHNOLOGY", p.sector());
    assertEquals("INFORMATION TECHNOLOGY SERVICES", p.industry());
    assertEquals("US", p.country(), "\"USA\" as the other providers write it");
    assertEquals("USD", p.currency());
    assertEquals("https://www.ibm.com", p.website());
    assertTrue(
        p.description()
            .startsWith("International Business Machines Corporation (IBM) is a leading"),
        p.description());
    assertNull(p.ceo());
    assertDecimal("246852600000", p.marketCap());
    assertNull(p.employees());
  }

  // ---------------------------------------------------------------- statements

  @Test
  void annualIncomeStatement() {
    stubFunction("INCOME_STATEMENT", "alphavantage/income-statement-ibm.json");
    FinancialStatement s =
        fetched(
            ProviderHarness.fetch(kit, alphaVantage(), statementKey("IBM", "income", "annual")),
            FinancialStatement.class);

    verifyCalled("INCOME_STATEMENT", "symbol", "IBM");
    assertEquals("IBM", s.symbol());
    assertEquals("income", s.statement());
    assertEquals("annual", s.period());
    assertEquals("USD", s.currency());
    assertEquals(
        List.of(LocalDate.of(2023, 12, 31), LocalDate.of(2022, 12, 31)),
        s.reports().stream().map(FinancialStatement.Report::fiscalDateEnding).toList(),
        "annualReports, newest first");
    FinancialStatement.Income r =
        assertInstanceOf(FinancialStatement.Income.class, s.reports().get(0));
    assertEquals("FY", r.fiscalPeriod());
    assertDecimal("61860000000", r.revenue());
    assertDecimal("27560000000", r.costOfRevenue());
    assertDecimal("34300000000", r.grossProfit());
    assertDecimal("6979000000", r.operatingIncome());
    assertDecimal("7502000000", r.netIncome());
    assertNull(r.eps(), "the income statement has no per-share figures");
    assertNull(r.epsDiluted());
    assertDecimal("1640000000", ((FinancialStatement.Income) s.reports().get(1)).netIncome());
  }

  @Test
  void quarterlyIncomeStatementReadsQuarterlyReportsAndNoneAsNull() {
    stubFunction("INCOME_STATEMENT", "alphavantage/income-statement-ibm.json");
    FinancialStatement s =
        fetched(
            ProviderHarness.fetch(kit, alphaVantage(), statementKey("IBM", "income", "quarterly")),
            FinancialStatement.class);

    assertEquals("quarterly", s.period());
    assertEquals(
        List.of(LocalDate.of(2024, 9, 30), LocalDate.of(2024, 6, 30)),
        s.reports().stream().map(FinancialStatement.Report::fiscalDateEnding).toList());
    FinancialStatement.Income q3 = (FinancialStatement.Income) s.reports().get(0);
    assertNull(q3.fiscalPeriod(), "Alpha Vantage does not say which fiscal quarter");
    assertDecimal("14968000000", q3.revenue());
    assertDecimal("-330000000", q3.netIncome());
    FinancialStatement.Income q2 = (FinancialStatement.Income) s.reports().get(1);
    assertNull(q2.operatingIncome(), "\"None\"");
    assertDecimal("15770000000", q2.revenue());
  }

  @Test
  void balanceSheet() {
    stubFunction("BALANCE_SHEET", "alphavantage/balance-sheet-ibm.json");
    FinancialStatement s =
        fetched(
            ProviderHarness.fetch(kit, alphaVantage(), statementKey("IBM", "balance", "annual")),
            FinancialStatement.class);

    verifyCalled("BALANCE_SHEET", "symbol", "IBM");
    assertEquals("balance", s.statement());
    assertEquals(2, s.reports().size());
    FinancialStatement.Balance r =
        assertInstanceOf(FinancialStatement.Balance.class, s.reports().get(0));
    assertEquals(LocalDate.of(2023, 12, 31), r.fiscalDateEnding());
    assertEquals("FY", r.fiscalPeriod());
    assertDecimal("135241000000", r.totalAssets());
    assertDecimal("112628000000", r.totalLiabilities());
    assertDecimal("22533000000", r.totalEquity());

    FinancialStatement quarterly =
        fetched(
            ProviderHarness.fetch(kit, alphaVantage(), statementKey("IBM", "balance", "quarterly")),
            FinancialStatement.class);
    FinancialStatement.Balance q = (FinancialStatement.Balance) quarterly.reports().get(0);
    assertEquals(LocalDate.of(2024, 9, 30), q.fiscalDateEnding());
    assertDecimal("134339000000", q.totalAssets());
    assertDecimal("23645000000", q.totalEquity());
  }

  @Test
  void cashFlowGivesCapitalExpendituresAsAnOutflowAndDerivesFreeCashFlow() {
    stubFunction("CASH_FLOW", "alphavantage/cash-flow-ibm.json");
    FinancialStatement s =
        fetched(
            ProviderHarness.fetch(kit, alphaVantage(), statementKey("IBM", "cash_flow", "annual")),
            FinancialStatement.class);

    verifyCalled("CASH_FLOW", "symbol", "IBM");
    assertEquals("cash_flow", s.statement());
    FinancialStatement.CashFlow r =
        assertInstanceOf(FinancialStatement.CashFlow.class, s.reports().get(0));
    assertEquals(LocalDate.of(2023, 12, 31), r.fiscalDateEnding());
    assertDecimal("13931000000", r.operatingCashFlow());
    assertDecimal("-1685000000", r.capitalExpenditure());
    assertDecimal("12246000000", r.freeCashFlow());

    FinancialStatement quarterly =
        fetched(
            ProviderHarness.fetch(
                kit, alphaVantage(), statementKey("IBM", "cash_flow", "quarterly")),
            FinancialStatement.class);
    FinancialStatement.CashFlow june = (FinancialStatement.CashFlow) quarterly.reports().get(1);
    assertDecimal("2060000000", june.operatingCashFlow());
    assertNull(june.capitalExpenditure(), "\"None\"");
    assertNull(june.freeCashFlow(), "not derived from a missing figure");
  }

  // ---------------------------------------------------------------- search

  @Test
  void symbolSearch() {
    stubFunction("SYMBOL_SEARCH", "alphavantage/symbol-search-tesco.json");
    SymbolSearch s =
        roundTripped(
            ProviderHarness.fetch(kit, alphaVantage(), FetchKey.of(Dataset.SEARCH, "tesco")),
            SymbolSearch.class);

    verifyCalled("SYMBOL_SEARCH", "keywords", "tesco");
    assertEquals("tesco", s.query());
    assertEquals(
        List.of("TSCO.LON", "TSCDF", "TSCDY", "TCO2.FRK", "TCO0.FRK"),
        s.matches().stream().map(SymbolSearch.Match::symbol).toList());
    SymbolSearch.Match first = s.matches().get(0);
    assertEquals("Tesco PLC", first.name());
    assertEquals("Equity", first.type());
    assertEquals("GBX", first.currency());
    assertNull(first.exchange(), "a region is not an exchange");
    assertEquals("USD", s.matches().get(1).currency());
  }

  @Test
  void searchWithoutMatchesIsAnEmptyAnswer() {
    stubFunction("SYMBOL_SEARCH", "alphavantage/symbol-search-none.json");
    SymbolSearch s =
        roundTripped(
            ProviderHarness.fetch(kit, alphaVantage(), FetchKey.of(Dataset.SEARCH, "zzqx")),
            SymbolSearch.class);
    assertEquals(List.of(), s.matches());
  }

  // ---------------------------------------------------------------- requests

  @Test
  void endpointLabelsNameTheFunctionAndNeverTheKey() {
    var settings = ProviderHarness.settings("alphavantage", "http://127.0.0.1:1", "");
    Map<FetchKey, String> expected =
        Map.of(
            FetchKey.of(Dataset.QUOTE, "IBM"), "global_quote",
            FetchKey.of(Dataset.COMPANY, "IBM"), "overview",
            statementKey("IBM", "income", "annual"), "income_statement",
            statementKey("IBM", "balance", "quarterly"), "balance_sheet",
            statementKey("IBM", "cash_flow", "annual"), "cash_flow",
            FetchKey.of(Dataset.SEARCH, "tesco"), "symbol_search");
    ProviderAdapter adapter = ProviderRegistry.adapterFor(settings).orElseThrow();
    expected.forEach(
        (key, label) -> {
          ProviderRequest request = adapter.request(key, KEY);
          assertEquals(label, request.endpoint());
          assertTrue(request.pathAndQuery().endsWith("&apikey=" + KEY), request.pathAndQuery());
          assertEquals(Map.of(), request.headers());
        });
    var daily =
        ProviderRegistry.adapterFor(
                ProviderHarness.settings("alphavantage", "http://127.0.0.1:1", DAILY))
            .orElseThrow();
    assertEquals(
        "time_series_daily", daily.request(FetchKey.of(Dataset.QUOTE, "IBM"), KEY).endpoint());
    assertEquals(
        java.util.Set.of(Dataset.QUOTE, Dataset.FUNDAMENTALS, Dataset.COMPANY, Dataset.SEARCH),
        adapter.datasets());
  }

  @Test
  void anUnknownQuoteEndpointIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> AlphaVantageAdapter.parseQuoteEndpoint("intraday"));
    assertEquals(
        AlphaVantageAdapter.QuoteEndpoint.DAILY, AlphaVantageAdapter.parseQuoteEndpoint(" Daily "));
  }

  // ---------------------------------------------------------------- errors (all HTTP 200)

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "quote, alphavantage/global-quote-unknown.json, NOT_FOUND",
    "quote, alphavantage/empty.json, NOT_FOUND",
    "company, alphavantage/empty.json, NOT_FOUND",
    "fundamentals, alphavantage/empty.json, NOT_FOUND",
    "daily, alphavantage/error-invalid-api-call.json, NOT_FOUND",
    "company, alphavantage/error-invalid-api-call.json, NOT_FOUND",
    "search, alphavantage/error-invalid-api-call.json, INVALID_RESPONSE",
    "quote, alphavantage/error-function-does-not-exist.json, INVALID_RESPONSE",
    "quote, alphavantage/error-apikey-invalid.json, UNAUTHORIZED",
    "search, alphavantage/error-apikey-invalid.json, UNAUTHORIZED",
    "quote, alphavantage/information-demo-key.json, UNAUTHORIZED",
    "fundamentals, alphavantage/information-demo-key.json, UNAUTHORIZED",
    "daily, alphavantage/information-premium-endpoint.json, NOT_ENTITLED",
    "company, alphavantage/information-premium-endpoint.json, NOT_ENTITLED",
    "quote, alphavantage/note-call-frequency.json, RATE_LIMIT",
    "search, alphavantage/information-burst.json, RATE_LIMIT",
    "company, alphavantage/information-daily-limit.json, RATE_LIMIT",
  })
  void errorBodiesMapToTheirCodes(String dataset, String file, ProviderErrorCode code) {
    wiremock.stubFor(get(urlPathEqualTo("/query")).willReturn(okJson(golden(file))));
    boolean daily = dataset.equals("daily");
    FetchKey key =
        switch (dataset) {
          case "fundamentals" -> statementKey("IBM", "income", "annual");
          case "search" -> FetchKey.of(Dataset.SEARCH, "ibm");
          default ->
              FetchKey.of(Dataset.fromWireName(daily ? "quote" : dataset).orElseThrow(), "IBM");
        };
    var outcome = ProviderHarness.fetch(kit, provider("alphavantage", "", daily ? DAILY : ""), key);
    assertEquals(code, failed(outcome).error().code(), outcome.toString());
  }

  @Test
  void theNoteRestsTheKeyForAMinute() {
    stubFunction("GLOBAL_QUOTE", "alphavantage/note-call-frequency.json");
    ProviderOutcome.Failed f = failed(ProviderHarness.fetch(kit, alphaVantage(), "IBM"));
    assertEquals(ProviderErrorCode.RATE_LIMIT, f.error().code());
    assertEquals(Duration.ofMinutes(1), f.retryAfter());
    assertTrue(f.error().message().contains("call frequency"), f.error().message());
  }

  @Test
  void aBurstRestsTheKeyForASecondThoughItAlsoNamesTheDailyLimit() {
    stubFunction("GLOBAL_QUOTE", "alphavantage/information-burst.json");
    ProviderOutcome.Failed f =
        failed(ProviderHarness.fetch(kit, alphaVantageAt(EVENING, ""), "IBM"));
    assertEquals(ProviderErrorCode.RATE_LIMIT, f.error().code());
    assertEquals(Duration.ofSeconds(1), f.retryAfter());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "alphavantage/information-daily-limit.json",
    "alphavantage/information-daily-limit-thank-you.json"
  })
  void theDailyLimitRestsTheKeyUntilTheNextUtcMidnight(String file) {
    stubFunction("OVERVIEW", file);
    ActorRef<ProviderActor.Command> provider = alphaVantageAt(EVENING, "");
    ProviderOutcome.Failed f =
        failed(ProviderHarness.fetch(kit, provider, FetchKey.of(Dataset.COMPANY, "IBM")));
    assertEquals(ProviderErrorCode.RATE_LIMIT, f.error().code());
    assertEquals(Duration.ofMinutes(150), f.retryAfter(), "21:30 UTC to midnight");
    assertFalse(
        f.error().message().contains(KEY),
        "the key Alpha Vantage quotes back is cut out: " + f.error().message());

    TestProbe<ProviderStatus> status = kit.createTestProbe();
    provider.tell(new ProviderActor.GetStatus(status.getRef()));
    KeyStatus key = status.receiveMessage().keys().get(0);
    assertEquals("cooling", key.state());
    long restsFor = key.coolingUntil().toEpochMilli() - System.currentTimeMillis();
    assertTrue(
        restsFor > Duration.ofMinutes(149).toMillis()
            && restsFor <= Duration.ofMinutes(150).toMillis(),
        "rests " + restsFor + " ms");
  }

  @Test
  void theDemoKeyIsARejectedKey() {
    stubFunction("GLOBAL_QUOTE", "alphavantage/information-demo-key.json");
    ActorRef<ProviderActor.Command> provider = alphaVantage();
    ProviderOutcome.Failed f = failed(ProviderHarness.fetch(kit, provider, "IBM"));
    assertEquals(ProviderErrorCode.UNAUTHORIZED, f.error().code());
    TestProbe<ProviderStatus> status = kit.createTestProbe();
    provider.tell(new ProviderActor.GetStatus(status.getRef()));
    KeyStatus key = status.receiveMessage().keys().get(0);
    assertEquals("disabled", key.state());
    assertTrue(key.disabledReason().startsWith("The **demo** API key"), key.disabledReason());
  }

  // ---------------------------------------------------------------- validation

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "another symbol | {\"Global Quote\":{\"01. symbol\":\"MSFT\",\"05. price\":\"410.10\",\"07. latest trading day\":\"2024-12-06\"}}",
        "price zero | {\"Global Quote\":{\"01. symbol\":\"IBM\",\"05. price\":\"0.0000\",\"07. latest trading day\":\"2024-12-06\"}}",
        "high below low | {\"Global Quote\":{\"01. symbol\":\"IBM\",\"03. high\":\"230.0000\",\"04. low\":\"231.0000\",\"05. price\":\"230.5000\"}}",
        "price missing | {\"Global Quote\":{\"01. symbol\":\"IBM\",\"07. latest trading day\":\"2024-12-06\"}}",
        "price None | {\"Global Quote\":{\"01. symbol\":\"IBM\",\"05. price\":\"None\"}}",
        "price not a number | {\"Global Quote\":{\"01. symbol\":\"IBM\",\"05. price\":\"n/a (halted)\"}}",
        "date not a date | {\"Global Quote\":{\"01. symbol\":\"IBM\",\"05. price\":\"238.04\",\"07. latest trading day\":\"yesterday\"}}",
        "truncated JSON | {\"Global Quote\":{\"01. symbol\":\"IBM\",\"05. pri",
        "HTML page | <html><body><h1>502 Bad Gateway</h1></body></html>",
        "an array | []",
      })
  void invalidQuotesAreInvalidResponses(String description, String body) {
    wiremock.stubFor(
        get(urlPathEqualTo("/query")).willReturn(aResponse().withStatus(200).withBody(body)));
    assertEquals(
        ProviderErrorCode.INVALID_RESPONSE,
        failed(ProviderHarness.fetch(kit, alphaVantage(), "IBM")).error().code(),
        description);
  }

  @Test
  void dailyBarsOfAnotherSymbolAreInvalid() {
    stubFunction("TIME_SERIES_DAILY", "alphavantage/time-series-daily-ibm.json");
    var outcome = ProviderHarness.fetch(kit, provider("alphavantage", "", DAILY), "MSFT");
    assertEquals(ProviderErrorCode.INVALID_RESPONSE, failed(outcome).error().code());
  }

  @Test
  void statementOfAnotherSymbolIsInvalid() {
    stubFunction("BALANCE_SHEET", "alphavantage/balance-sheet-ibm.json");
    var outcome =
        ProviderHarness.fetch(kit, alphaVantage(), statementKey("MSFT", "balance", "annual"));
    assertEquals(ProviderErrorCode.INVALID_RESPONSE, failed(outcome).error().code());
  }

  @Test
  void overviewOfAnotherSymbolIsInvalid() {
    stubFunction("OVERVIEW", "alphavantage/overview-ibm.json");
    var outcome = ProviderHarness.fetch(kit, alphaVantage(), FetchKey.of(Dataset.COMPANY, "MSFT"));
    assertEquals(ProviderErrorCode.INVALID_RESPONSE, failed(outcome).error().code());
  }

  @Test
  void aReportWithoutADateIsInvalid() {
    wiremock.stubFor(
        get(urlPathEqualTo("/query"))
            .willReturn(
                okJson(
                    "{\"symbol\":\"IBM\",\"annualReports\":[{\"fiscalDateEnding\":\"None\",\"totalRevenue\":\"61860000000\"}],\"quarterlyReports\":[]}")));
    var outcome =
        ProviderHarness.fetch(kit, alphaVantage(), statementKey("IBM", "income", "annual"));
    assertEquals(ProviderErrorCode.INVALID_RESPONSE, failed(outcome).error().code());
  }
}
