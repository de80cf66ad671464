package io.marketgate.app.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketgate.app.json.Json;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.RequestOrigin;
import io.marketgate.protocol.data.CompanyProfile;
import io.marketgate.protocol.data.Earnings;
import io.marketgate.protocol.data.FinancialStatement;
import io.marketgate.protocol.data.News;
import io.marketgate.protocol.data.Quote;
import io.marketgate.protocol.data.SymbolSearch;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Recorded FMP bodies of every dataset, in both the {@code /stable} and the legacy {@code /api/v3}
 * layouts, served over real HTTP: the request sent, the normalised values field by field, the
 * multi-symbol quote call, and each documented error shape.
 */
class FmpGoldenTest extends GoldenTest {
  private static final String KEY = "golden-key-1234";

  private ActorRef<ProviderActor.Command> stable() {
    return provider("/stable");
  }

  private ActorRef<ProviderActor.Command> legacy() {
    return provider("/api/v3");
  }

  private ActorRef<ProviderActor.Command> provider(String basePath) {
    return provider("fmp", basePath, "");
  }

  private static <T> T fetched(ProviderOutcome outcome, Class<T> type) {
    return fetched(outcome, "fmp", type);
  }

  private static <T> T roundTripped(ProviderOutcome outcome, Class<T> type) {
    return roundTripped(outcome, "fmp", type);
  }

  private static ProviderErrorCode failure(ProviderOutcome outcome) {
    return failure(outcome, "fmp");
  }

  // ---------------------------------------------------------------- statements, /stable layout

  @Test
  void stableAnnualIncomeStatement() {
    stub("/stable/income-statement", "fmp/stable-income-statement-aapl.json");
    FinancialStatement s =
        fetched(
            ProviderHarness.fetch(kit, stable(), statementKey("AAPL", "income", "annual")),
            FinancialStatement.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/stable/income-statement"))
            .withQueryParam("symbol", equalTo("AAPL"))
            .withQueryParam("period", equalTo("annual"))
            .withQueryParam("limit", equalTo("8"))
            .withQueryParam("apikey", equalTo(KEY)));
    assertEquals("AAPL", s.symbol());
    assertEquals("income", s.statement());
    assertEquals("annual", s.period());
    assertEquals("USD", s.currency());
    assertEquals(1, s.reports().size());
    FinancialStatement.Income r =
        assertInstanceOf(FinancialStatement.Income.class, s.reports().get(0));
    assertEquals(LocalDate.of(2024, 9, 28), r.fiscalDateEnding());
    assertEquals("FY", r.fiscalPeriod());
    assertDecimal("391035000000", r.revenue());
    assertDecimal("210352000000", r.costOfRevenue());
    assertDecimal("180683000000", r.grossProfit());
    assertDecimal("123216000000", r.operatingIncome());
    assertDecimal("93736000000", r.netIncome());
    assertDecimal("6.11", r.eps());
    assertDecimal("6.08", r.epsDiluted());
  }

  @Test
  void stableQuarterlyIncomeStatementAsksForQuarters() {
    stub("/stable/income-statement", "fmp/stable-income-statement-aapl.json");
    FinancialStatement s =
        fetched(
            ProviderHarness.fetch(kit, stable(), statementKey("AAPL", "income", "quarterly")),
            FinancialStatement.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/stable/income-statement"))
            .withQueryParam("symbol", equalTo("AAPL"))
            .withQueryParam("period", equalTo("quarter")));
    assertEquals("quarterly", s.period());
    assertDecimal("6.08", ((FinancialStatement.Income) s.reports().get(0)).epsDiluted());
  }

  @Test
  void stableBalanceSheet() {
    stub("/stable/balance-sheet-statement", "fmp/stable-balance-sheet-statement-aapl.json");
    FinancialStatement s =
        fetched(
            ProviderHarness.fetch(kit, stable(), statementKey("AAPL", "balance", "annual")),
            FinancialStatement.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/stable/balance-sheet-statement"))
            .withQueryParam("symbol", equalTo("AAPL"))
            .withQueryParam("period", equalTo("annual"))
            .withQueryParam("apikey", equalTo(KEY)));
    assertEquals("balance", s.statement());
    assertEquals("USD", s.currency());
    FinancialStatement.Balance r =
        assertInstanceOf(FinancialStatement.Balance.class, s.reports().get(0));
    assertEquals(LocalDate.of(2024, 9, 28), r.fiscalDateEnding());
    assertEquals("FY", r.fiscalPeriod());
    assertDecimal("364980000000", r.totalAssets());
    assertDecimal("308030000000", r.totalLiabilities());
    assertDecimal("56950000000", r.totalEquity());
  }

  @Test
  void stableCashFlowStatement() {
    stub("/stable/cash-flow-statement", "fmp/stable-cash-flow-statement-aapl.json");
    FinancialStatement s =
        fetched(
            ProviderHarness.fetch(kit, stable(), statementKey("AAPL", "cash_flow", "quarterly")),
            FinancialStatement.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/stable/cash-flow-statement"))
            .withQueryParam("symbol", equalTo("AAPL"))
            .withQueryParam("period", equalTo("quarter"))
            .withQueryParam("apikey", equalTo(KEY)));
    assertEquals("cash_flow", s.statement());
    FinancialStatement.CashFlow r =
        assertInstanceOf(FinancialStatement.CashFlow.class, s.reports().get(0));
    assertEquals(LocalDate.of(2024, 9, 28), r.fiscalDateEnding());
    assertDecimal("118254000000", r.operatingCashFlow());
    assertDecimal("-9447000000", r.capitalExpenditure());
    assertDecimal("108807000000", r.freeCashFlow());
  }

  @Test
  void statementEncodingUsesSnakeCase() {
    stub("/stable/income-statement", "fmp/stable-income-statement-aapl.json");
    var outcome = ProviderHarness.fetch(kit, stable(), statementKey("AAPL", "income", "annual"));
    JsonNode encoded = Json.parse(assertInstanceOf(ProviderOutcome.Fetched.class, outcome).data());
    assertEquals("USD", encoded.path("currency").asText());
    JsonNode report = encoded.path("reports").path(0);
    assertEquals("2024-09-28", report.path("fiscal_date_ending").asText());
    assertEquals(0, new BigDecimal("6.08").compareTo(report.path("eps_diluted").decimalValue()));
    assertEquals(
        0, new BigDecimal("391035000000").compareTo(report.path("revenue").decimalValue()));
  }

  // ---------------------------------------------------------------- statements, legacy v3 layout

  @Test
  void legacyIncomeStatementReadsFillingDateLayoutAndLowerCaseEpsDiluted() {
    stub("/api/v3/income-statement/AAPL", "fmp/v3-income-statement-aapl.json");
    FinancialStatement s =
        fetched(
            ProviderHarness.fetch(kit, legacy(), statementKey("AAPL", "income", "annual")),
            FinancialStatement.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/api/v3/income-statement/AAPL"))
            .withQueryParam("period", equalTo("annual"))
            .withQueryParam("limit", equalTo("8"))
            .withQueryParam("apikey", equalTo(KEY)));
    assertEquals("USD", s.currency());
    FinancialStatement.Income r =
        assertInstanceOf(FinancialStatement.Income.class, s.reports().get(0));
    assertEquals(LocalDate.of(2020, 9, 26), r.fiscalDateEnding());
    assertEquals("FY", r.fiscalPeriod());
    assertDecimal("274515000000", r.revenue());
    assertDecimal("169559000000", r.costOfRevenue());
    assertDecimal("104956000000", r.grossProfit());
    assertDecimal("66288000000", r.operatingIncome());
    assertDecimal("57411000000", r.netIncome());
    assertDecimal("3.31", r.eps());
    assertDecimal("3.28", r.epsDiluted());
  }

  @Test
  void legacyQuarterlyBalanceSheetWithoutReportedCurrency() {
    stub("/api/v3/balance-sheet-statement/AAPL", "fmp/v3-balance-sheet-statement-aapl.json");
    FinancialStatement s =
        fetched(
            ProviderHarness.fetch(kit, legacy(), statementKey("AAPL", "balance", "quarterly")),
            FinancialStatement.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/api/v3/balance-sheet-statement/AAPL"))
            .withQueryParam("period", equalTo("quarter"))
            .withQueryParam("apikey", equalTo(KEY)));
    assertNull(s.currency(), "the 2020 v3 answer has no reportedCurrency");
    FinancialStatement.Balance r =
        assertInstanceOf(FinancialStatement.Balance.class, s.reports().get(0));
    assertEquals(LocalDate.of(2019, 9, 28), r.fiscalDateEnding());
    assertEquals("FY", r.fiscalPeriod());
    assertDecimal("338516000000", r.totalAssets());
    assertDecimal("248028000000", r.totalLiabilities());
    assertDecimal("90488000000", r.totalEquity());
  }

  @Test
  void legacyCashFlowStatement() {
    stub("/api/v3/cash-flow-statement/AAPL", "fmp/v3-cash-flow-statement-aapl.json");
    FinancialStatement s =
        fetched(
            ProviderHarness.fetch(kit, legacy(), statementKey("AAPL", "cash_flow", "annual")),
            FinancialStatement.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/api/v3/cash-flow-statement/AAPL"))
            .withQueryParam("period", equalTo("annual")));
    FinancialStatement.CashFlow r =
        assertInstanceOf(FinancialStatement.CashFlow.class, s.reports().get(0));
    assertEquals(LocalDate.of(2019, 9, 28), r.fiscalDateEnding());
    assertDecimal("69391000000", r.operatingCashFlow());
    assertDecimal("-10495000000", r.capitalExpenditure());
    assertDecimal("58896000000", r.freeCashFlow());
  }

  // ---------------------------------------------------------------- company profile

  @Test
  void stableCompanyProfileWithEmployeesAsString() {
    stub("/stable/profile", "fmp/stable-profile-aapl.json");
    CompanyProfile p =
        roundTripped(
            ProviderHarness.fetch(kit, stable(), FetchKey.of(Dataset.COMPANY, "AAPL")),
            CompanyProfile.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/stable/profile"))
            .withQueryParam("symbol", equalTo("AAPL"))
            .withQueryParam("apikey", equalTo(KEY)));
    assertEquals("AAPL", p.symbol());
    assertEquals("Apple Inc.", p.name());
    assertEquals("NASDAQ", p.exchange());
    assertEquals("Technology", p.sector());
    assertEquals("Consumer Electronics", p.industry());
    assertEquals("US", p.country());
    assertEquals("USD", p.currency());
    assertEquals("https://www.apple.com", p.website());
    assertTrue(
        p.description().startsWith("Apple Inc. designs, manufactures, and markets smartphones"),
        p.description());
    assertEquals("Mr. Timothy D. Cook", p.ceo());
    assertDecimal("3500823120000", p.marketCap());
    assertEquals(164000L, p.employees(), "fullTimeEmployees comes as the string \"164000\"");
  }

  @Test
  void legacyCompanyProfileReadsMktCapAndTheExchangeCode() {
    stub("/api/v3/profile/AAPL", "fmp/v3-profile-aapl.json");
    CompanyProfile p =
        roundTripped(
            ProviderHarness.fetch(kit, legacy(), FetchKey.of(Dataset.COMPANY, "AAPL")),
            CompanyProfile.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/api/v3/profile/AAPL"))
            .withQueryParam("apikey", equalTo(KEY)));
    assertEquals("AAPL", p.symbol());
    assertEquals("Apple Inc", p.name());
    assertEquals("NASDAQ", p.exchange(), "exchangeShortName, not the full name in \"exchange\"");
    assertEquals("Technology", p.sector());
    assertEquals("Consumer Electronics", p.industry());
    assertEquals("US", p.country());
    assertEquals("USD", p.currency());
    assertEquals("https://www.apple.com/", p.website());
    assertEquals("Mr. Timothy Cook", p.ceo());
    assertDecimal("1932924420000", p.marketCap());
    assertEquals(137000L, p.employees());
  }

  // ---------------------------------------------------------------- earnings

  @Test
  void stableEarningsWithUpcomingReportsWithoutActuals() {
    stub("/stable/earnings", "fmp/stable-earnings-aapl.json");
    Earnings e =
        roundTripped(
            ProviderHarness.fetch(kit, stable(), FetchKey.of(Dataset.EARNINGS, "AAPL")),
            Earnings.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/stable/earnings"))
            .withQueryParam("symbol", equalTo("AAPL"))
            .withQueryParam("limit", equalTo("20"))
            .withQueryParam("apikey", equalTo(KEY)));
    assertEquals("AAPL", e.symbol());
    assertEquals(6, e.events().size());
    assertEquals(
        List.of(
            LocalDate.of(2026, 4, 26),
            LocalDate.of(2026, 1, 28),
            LocalDate.of(2025, 10, 30),
            LocalDate.of(2025, 7, 31),
            LocalDate.of(2025, 5, 1),
            LocalDate.of(2025, 1, 30)),
        e.events().stream().map(Earnings.Event::date).toList(),
        "newest first");
    Earnings.Event future = e.events().get(0);
    assertNull(future.epsActual());
    assertNull(future.epsEstimate());
    assertNull(future.revenueActual());
    assertNull(future.revenueEstimate());
    assertNull(future.fiscalPeriod());
    Earnings.Event estimatedOnly = e.events().get(2);
    assertNull(estimatedOnly.epsActual());
    assertDecimal("1.74", estimatedOnly.epsEstimate());
    assertNull(estimatedOnly.revenueActual());
    assertDecimal("101543226520", estimatedOnly.revenueEstimate());
    Earnings.Event reported = e.events().get(3);
    assertDecimal("1.57", reported.epsActual());
    assertDecimal("1.44", reported.epsEstimate());
    assertDecimal("94036000000", reported.revenueActual());
    assertDecimal("89562736363", reported.revenueEstimate());
    Earnings.Event last = e.events().get(5);
    assertDecimal("2.4", last.epsActual());
    assertDecimal("124300000000", last.revenueActual());
  }

  @Test
  void legacyHistoricalEarningCalendar() {
    stub("/api/v3/historical/earning_calendar/AAPL", "fmp/v3-earning-calendar-aapl.json");
    Earnings e =
        roundTripped(
            ProviderHarness.fetch(kit, legacy(), FetchKey.of(Dataset.EARNINGS, "AAPL")),
            Earnings.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/api/v3/historical/earning_calendar/AAPL"))
            .withQueryParam("limit", equalTo("20"))
            .withQueryParam("apikey", equalTo(KEY)));
    assertEquals(6, e.events().size());
    Earnings.Event upcoming = e.events().get(0);
    assertEquals(LocalDate.of(2024, 5, 2), upcoming.date());
    assertEquals("2024-03-30", upcoming.fiscalPeriod());
    assertNull(upcoming.epsActual());
    assertNull(upcoming.epsEstimate());
    Earnings.Event reported = e.events().get(2);
    assertEquals(LocalDate.of(2023, 11, 2), reported.date());
    assertEquals("2023-09-30", reported.fiscalPeriod());
    assertDecimal("1.46", reported.epsActual(), "legacy \"eps\"");
    assertDecimal("1.39", reported.epsEstimate());
    assertDecimal("89498000000", reported.revenueActual(), "legacy \"revenue\"");
    assertDecimal("84175800000", reported.revenueEstimate());
    Earnings.Event oldest = e.events().get(5);
    assertEquals(LocalDate.of(2023, 2, 2), oldest.date());
    assertDecimal("1.88", oldest.epsActual());
    assertDecimal("1.94", oldest.epsEstimate());
  }

  private static void assertDecimal(String expected, BigDecimal actual, String what) {
    assertNotNull(actual, what);
    assertEquals(
        0,
        new BigDecimal(expected).compareTo(actual),
        what + ": expected " + expected + " got " + actual);
  }

  // ---------------------------------------------------------------- search

  @Test
  void stableSymbolSearch() {
    stub("/stable/search-symbol", "fmp/stable-search-symbol-aapl.json");
    SymbolSearch s =
        roundTripped(
            ProviderHarness.fetch(kit, stable(), FetchKey.of(Dataset.SEARCH, "aapl")),
            SymbolSearch.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/stable/search-symbol"))
            .withQueryParam("query", equalTo("aapl"))
            .withQueryParam("limit", equalTo("20"))
            .withQueryParam("apikey", equalTo(KEY)));
    assertEquals("aapl", s.query());
    assertEquals(
        List.of(new SymbolSearch.Match("AAPL", "Apple Inc.", "NASDAQ", null, "USD")), s.matches());
  }

  @Test
  void legacySearchReadsExchangeShortName() {
    stub("/api/v3/search", "fmp/v3-search-aa.json");
    SymbolSearch s =
        roundTripped(
            ProviderHarness.fetch(kit, legacy(), FetchKey.of(Dataset.SEARCH, "aa")),
            SymbolSearch.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/api/v3/search"))
            .withQueryParam("query", equalTo("aa"))
            .withQueryParam("limit", equalTo("20"))
            .withQueryParam("apikey", equalTo(KEY)));
    assertEquals(
        List.of(
            new SymbolSearch.Match("PRAA", "PRA Group, Inc.", "NASDAQ", null, "USD"),
            new SymbolSearch.Match("PAAS", "Pan American Silver Corp.", "NASDAQ", null, "USD")),
        s.matches());
  }

  @Test
  void searchWithoutMatchesIsAnEmptyAnswer() {
    wiremock.stubFor(
        get(urlPathEqualTo("/stable/search-symbol")).willReturn(okJson(golden("fmp/empty.json"))));
    SymbolSearch s =
        fetched(
            ProviderHarness.fetch(kit, stable(), FetchKey.of(Dataset.SEARCH, "zzzzqx")),
            SymbolSearch.class);
    assertEquals(List.of(), s.matches());
  }

  // ---------------------------------------------------------------- news

  @Test
  void stableStockNews() {
    stub("/stable/news/stock", "fmp/stable-news-stock-aapl.json");
    News n =
        roundTripped(
            ProviderHarness.fetch(kit, stable(), FetchKey.of(Dataset.NEWS, "AAPL")), News.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/stable/news/stock"))
            .withQueryParam("symbols", equalTo("AAPL"))
            .withQueryParam("limit", equalTo("20"))
            .withQueryParam("apikey", equalTo(KEY)));
    assertEquals("AAPL", n.symbol());
    assertEquals(1, n.articles().size());
    News.Article a = n.articles().get(0);
    assertEquals("CFPB ends monitoring of Apple, U.S. Bank years ahead of schedule", a.title());
    assertEquals("Reuters", a.source(), "publisher, not site");
    assertEquals(
        "https://www.reuters.com/sustainability/boards-policy-regulation/cfpb-ends-monitoring-apple-us-bank-years-ahead-schedule-2025-09-23/",
        a.url());
    assertEquals(
        Instant.parse("2025-09-23T01:31:48Z"),
        a.publishedAt(),
        "2025-09-22 21:31:48 New York time");
    assertTrue(
        a.description()
            .startsWith("The Consumer Financial Protection Bureau has scraped settlements"),
        a.description());
  }

  @Test
  void legacyStockNewsUsesSiteAsSource() {
    stub("/api/v3/stock_news", "fmp/v3-stock-news-aapl.json");
    News n =
        roundTripped(
            ProviderHarness.fetch(kit, legacy(), FetchKey.of(Dataset.NEWS, "AAPL")), News.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/api/v3/stock_news"))
            .withQueryParam("tickers", equalTo("AAPL"))
            .withQueryParam("limit", equalTo("20"))
            .withQueryParam("apikey", equalTo(KEY)));
    assertEquals(3, n.articles().size());
    News.Article a = n.articles().get(0);
    assertEquals(
        "Top 7 Stocks to Consider as Virtual and Augmented Reality Take Center Stage Again",
        a.title());
    assertEquals("InvestorPlace", a.source());
    assertEquals(
        "https://investorplace.com/2023/10/top-7-stocks-to-consider-as-virtual-and-augmented-reality-take-center-stage-again/",
        a.url());
    assertEquals(
        Instant.parse("2023-10-16T07:24:48Z"),
        a.publishedAt(),
        "2023-10-16 03:24:48 New York time");
    assertEquals(
        "Virtual reality stocks flamed out beginning in late 2021, some very dramatically. 2022 was exceptionally tough on all things tech.",
        a.description());
    assertEquals("The Motley Fool", n.articles().get(1).source());
    assertEquals(Instant.parse("2023-10-15T10:30:00Z"), n.articles().get(1).publishedAt());
  }

  // ---------------------------------------------------------------- multi-symbol quotes

  private BatchOutcome fetchBatch(ActorRef<ProviderActor.Command> provider, String... symbols) {
    TestProbe<BatchOutcome> probe = kit.createTestProbe();
    List<FetchKey> keys =
        java.util.Arrays.stream(symbols).map(s -> FetchKey.of(Dataset.QUOTE, s)).toList();
    provider.tell(
        new ProviderActor.FetchBatch(
            keys, Duration.ofSeconds(2), RequestOrigin.INTERNAL, probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(5));
  }

  private static ProviderOutcome outcomeOf(BatchOutcome batch, String symbol) {
    ProviderOutcome outcome = batch.outcomes().get(FetchKey.of(Dataset.QUOTE, symbol));
    assertNotNull(outcome, "no outcome for " + symbol + " in " + batch);
    return outcome;
  }

  @Test
  void stableBatchQuoteGivesOneOutcomePerSymbol() {
    stub("/stable/batch-quote", "fmp/stable-batch-quote-aapl-gspc.json");
    BatchOutcome batch = fetchBatch(stable(), "AAPL", "^GSPC", "ZZZZ");

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/stable/batch-quote"))
            .withQueryParam("symbols", equalTo("AAPL,^GSPC,ZZZZ"))
            .withQueryParam("apikey", equalTo(KEY)));
    assertEquals(3, batch.outcomes().size());
    Quote aapl = roundTripped(outcomeOf(batch, "AAPL"), Quote.class);
    assertEquals("AAPL", aapl.symbol());
    assertDecimal("232.8", aapl.price());
    assertDecimal("4.79", aapl.change());
    assertDecimal("2.1008", aapl.changePercent());
    assertDecimal("227.2", aapl.open());
    assertDecimal("233.13", aapl.dayHigh());
    assertDecimal("226.65", aapl.dayLow());
    assertDecimal("228.01", aapl.previousClose());
    assertEquals(44489128L, aapl.volume());
    assertEquals("USD", aapl.currency());
    assertEquals(Instant.ofEpochSecond(1738702801), aapl.asOf());
    Quote index = roundTripped(outcomeOf(batch, "^GSPC"), Quote.class);
    assertDecimal("6366.13", index.price());
    assertDecimal("7.22", index.change());
    assertDecimal("0.11354", index.changePercent());
    assertDecimal("6358.91", index.previousClose());
    assertEquals(1498664000L, index.volume());
    assertNull(index.currency(), "INDEX is not a US listing venue");
    assertEquals(Instant.ofEpochSecond(1753374601), index.asOf());
    assertEquals(
        ProviderErrorCode.NOT_FOUND,
        failure(outcomeOf(batch, "ZZZZ")),
        "a symbol the answer leaves out");
  }

  @Test
  void legacyBatchQuoteUsesTheCommaSeparatedPath() {
    wiremock.stubFor(
        get(urlPathMatching("/api/v3/quote/.*"))
            .willReturn(okJson(golden("fmp/v3-quote-aapl.json"))));
    BatchOutcome batch = fetchBatch(legacy(), "AAPL", "MSFT");

    var requests = wiremock.findAll(getRequestedFor(urlPathMatching("/api/v3/quote/.*")));
    assertEquals(1, requests.size());
    String path = requests.get(0).getUrl();
    assertTrue(
        path.startsWith("/api/v3/quote/AAPL%2CMSFT?")
            || path.startsWith("/api/v3/quote/AAPL,MSFT?"),
        path);
    assertEquals(KEY, requests.get(0).queryParameter("apikey").firstValue());
    Quote aapl = roundTripped(outcomeOf(batch, "AAPL"), Quote.class);
    assertDecimal("145.775", aapl.price());
    assertDecimal("0.32", aapl.changePercent(), "legacy \"changesPercentage\"");
    assertEquals(ProviderErrorCode.NOT_FOUND, failure(outcomeOf(batch, "MSFT")));
  }

  @ParameterizedTest(name = "batch {0} HTTP {1} -> {2}")
  @CsvSource({
    "fmp/error-invalid-key.json, 401, UNAUTHORIZED",
    "fmp/error-limit-reach.json, 429, RATE_LIMIT",
    "fmp/error-restricted-endpoint.txt, 402, NOT_ENTITLED",
  })
  void batchErrorsApplyToEverySymbol(String file, int status, ProviderErrorCode code) {
    wiremock.stubFor(
        get(urlPathEqualTo("/stable/batch-quote"))
            .willReturn(aResponse().withStatus(status).withBody(golden(file))));
    BatchOutcome batch = fetchBatch(stable(), "AAPL", "MSFT");
    assertEquals(code, failure(outcomeOf(batch, "AAPL")));
    assertEquals(code, failure(outcomeOf(batch, "MSFT")));
  }

  // ---------------------------------------------------------------- errors

  @ParameterizedTest(name = "{0} {1} {2} HTTP {3} -> {4}")
  @CsvSource({
    "stable, company, fmp/error-invalid-key.json, 401, UNAUTHORIZED",
    "stable, fundamentals, fmp/error-invalid-key.json, 200, UNAUTHORIZED",
    "stable, earnings, fmp/error-limit-reach.json, 429, RATE_LIMIT",
    "stable, news, fmp/error-limit-reach.json, 200, RATE_LIMIT",
    "stable, fundamentals, fmp/error-restricted-endpoint.txt, 402, NOT_ENTITLED",
    "stable, company, fmp/error-restricted-endpoint.txt, 403, NOT_ENTITLED",
    "stable, earnings, fmp/error-restricted-endpoint.txt, 200, NOT_ENTITLED",
    "legacy, company, fmp/error-legacy-endpoint.json, 403, NOT_ENTITLED",
    "legacy, fundamentals, fmp/error-legacy-endpoint.json, 200, NOT_ENTITLED",
    "legacy, search, fmp/error-legacy-endpoint.json, 403, NOT_ENTITLED",
    "legacy, news, fmp/error-invalid-key.json, 401, UNAUTHORIZED",
    "stable, fundamentals, fmp/empty.json, 200, NOT_FOUND",
    "stable, company, fmp/empty.json, 200, NOT_FOUND",
    "legacy, earnings, fmp/empty.json, 200, NOT_FOUND",
  })
  void errorBodiesMapToTheirCodes(
      String layout, String dataset, String file, int status, ProviderErrorCode code) {
    wiremock.stubFor(
        get(urlPathMatching(layout.equals("stable") ? "/stable/.*" : "/api/v3/.*"))
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader(
                        "Content-Type",
                        file.endsWith(".txt")
                            ? "text/plain; charset=utf-8"
                            : "application/json; charset=utf-8")
                    .withBody(golden(file))));
    FetchKey key = FetchKey.of(Dataset.fromWireName(dataset).orElseThrow(), "AAPL");
    var outcome = ProviderHarness.fetch(kit, layout.equals("stable") ? stable() : legacy(), key);
    assertEquals(code, failure(outcome), outcome.toString());
  }

  // ---------------------------------------------------------------- validation and sanitisation

  @Test
  void statementOfAnotherSymbolIsInvalid() {
    stub("/stable/income-statement", "fmp/stable-income-statement-aapl.json");
    var outcome = ProviderHarness.fetch(kit, stable(), statementKey("MSFT", "income", "annual"));
    assertEquals(ProviderErrorCode.INVALID_RESPONSE, failure(outcome));
  }

  @Test
  void profileOfAnotherSymbolIsInvalid() {
    stub("/api/v3/profile/MSFT", "fmp/v3-profile-aapl.json");
    var outcome = ProviderHarness.fetch(kit, legacy(), FetchKey.of(Dataset.COMPANY, "MSFT"));
    assertEquals(ProviderErrorCode.INVALID_RESPONSE, failure(outcome));
  }

  @Test
  void earningsOfAnotherSymbolAreInvalid() {
    stub("/stable/earnings", "fmp/stable-earnings-aapl.json");
    var outcome = ProviderHarness.fetch(kit, stable(), FetchKey.of(Dataset.EARNINGS, "MSFT"));
    assertEquals(ProviderErrorCode.INVALID_RESPONSE, failure(outcome));
  }

  @Test
  void quoteOfAnotherSymbolInABatchIsIgnored() {
    stub("/stable/batch-quote", "fmp/stable-batch-quote-aapl-gspc.json");
    BatchOutcome batch = fetchBatch(stable(), "MSFT");
    assertEquals(ProviderErrorCode.NOT_FOUND, failure(outcomeOf(batch, "MSFT")));
  }

  /**
   * The recorded profile with its numbers rewritten the ways FMP has been seen to send them
   * (strings with thousands separators and a currency sign): the values read the same.
   */
  @Test
  void numbersGivenAsFormattedStringsAreRead() {
    ArrayNode body =
        (ArrayNode)
            Json.parse(golden("fmp/stable-profile-aapl.json").getBytes(StandardCharsets.UTF_8));
    ObjectNode profile = (ObjectNode) body.get(0);
    profile.put("marketCap", "$3,500,823,120,000");
    profile.put("fullTimeEmployees", "164,000");
    wiremock.stubFor(get(urlPathEqualTo("/stable/profile")).willReturn(okJson(body.toString())));
    CompanyProfile p =
        fetched(
            ProviderHarness.fetch(kit, stable(), FetchKey.of(Dataset.COMPANY, "AAPL")),
            CompanyProfile.class);
    assertDecimal("3500823120000", p.marketCap());
    assertEquals(164000L, p.employees());
  }

  @Test
  void unreadableNumberIsInvalid() {
    ArrayNode body =
        (ArrayNode)
            Json.parse(
                golden("fmp/stable-balance-sheet-statement-aapl.json")
                    .getBytes(StandardCharsets.UTF_8));
    ((ObjectNode) body.get(0)).put("totalAssets", "n.a. (restated)");
    wiremock.stubFor(
        get(urlPathEqualTo("/stable/balance-sheet-statement")).willReturn(okJson(body.toString())));
    var outcome = ProviderHarness.fetch(kit, stable(), statementKey("AAPL", "balance", "annual"));
    assertEquals(ProviderErrorCode.INVALID_RESPONSE, failure(outcome));
  }
}
