package io.marketgate.app.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.data.CompanyProfile;
import io.marketgate.protocol.data.Earnings;
import io.marketgate.protocol.data.FinancialStatement;
import io.marketgate.protocol.data.News;
import io.marketgate.protocol.data.OptionsFlow;
import io.marketgate.protocol.data.SymbolSearch;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Recorded Polygon bodies (the official client libraries' fixtures and OpenAPI examples) of every
 * dataset but quotes, served over real HTTP: the request sent with its bearer key, the normalised
 * values field by field, and each error shape.
 */
class PolygonGoldenTest extends GoldenTest {
  private static final String BEARER = "Bearer golden-key-1234";

  private ActorRef<ProviderActor.Command> polygon() {
    return provider("polygon", "", "");
  }

  private static <T> T fetched(ProviderOutcome outcome, Class<T> type) {
    return fetched(outcome, "polygon", type);
  }

  private static <T> T roundTripped(ProviderOutcome outcome, Class<T> type) {
    return roundTripped(outcome, "polygon", type);
  }

  private static ProviderErrorCode failure(ProviderOutcome outcome) {
    return failure(outcome, "polygon");
  }

  // ---------------------------------------------------------------- options chain

  @Test
  void optionsChainSnapshot() {
    stub("/v3/snapshot/options/AAPL", "polygon/options-chain-aapl.json");
    OptionsFlow flow =
        roundTripped(
            ProviderHarness.fetch(kit, polygon(), FetchKey.of(Dataset.OPTIONS_FLOW, "AAPL")),
            OptionsFlow.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/v3/snapshot/options/AAPL"))
            .withQueryParam("limit", equalTo("250"))
            .withHeader("Authorization", equalTo(BEARER))
            .withoutQueryParam("apiKey"));
    assertEquals("AAPL", flow.symbol());
    assertEquals(1, flow.contracts().size());
    OptionsFlow.Contract c = flow.contracts().get(0);
    assertEquals("O:AAPL230616C00150000", c.contract());
    assertEquals("call", c.type());
    assertDecimal("150", c.strike());
    assertEquals(LocalDate.of(2023, 6, 16), c.expiration());
    assertDecimal("29.25", c.lastPrice());
    assertEquals(8L, c.volume());
    assertEquals(8133L, c.openInterest());
    assertDecimal("0.3570277203465058", c.impliedVolatility());
    assertDecimal("0.6436614934293701", c.delta());
  }

  @Test
  void optionsChainOfAnotherUnderlyingIsInvalid() {
    stub("/v3/snapshot/options/MSFT", "polygon/options-chain-aapl.json");
    var outcome = ProviderHarness.fetch(kit, polygon(), FetchKey.of(Dataset.OPTIONS_FLOW, "MSFT"));
    assertEquals(ProviderErrorCode.INVALID_RESPONSE, failure(outcome));
  }

  // ---------------------------------------------------------------- financials

  @Test
  void quarterlyIncomeStatementFromFinancials() {
    stub("/vX/reference/financials", "polygon/financials-nxpi.json");
    FinancialStatement s =
        fetched(
            ProviderHarness.fetch(kit, polygon(), statementKey("NXPI", "income", "quarterly")),
            FinancialStatement.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/vX/reference/financials"))
            .withQueryParam("ticker", equalTo("NXPI"))
            .withQueryParam("timeframe", equalTo("quarterly"))
            .withQueryParam("order", equalTo("desc"))
            .withQueryParam("limit", equalTo("8"))
            .withHeader("Authorization", equalTo(BEARER)));
    assertEquals("NXPI", s.symbol());
    assertEquals("income", s.statement());
    assertEquals("quarterly", s.period());
    assertEquals("USD", s.currency());
    FinancialStatement.Income r =
        assertInstanceOf(FinancialStatement.Income.class, s.reports().get(0));
    assertEquals(LocalDate.of(2022, 4, 3), r.fiscalDateEnding());
    assertEquals("Q1", r.fiscalPeriod());
    assertDecimal("3136000000", r.revenue());
    assertDecimal("1359000000", r.costOfRevenue());
    assertDecimal("1777000000", r.grossProfit());
    assertDecimal("873000000", r.operatingIncome());
    assertDecimal("666000000", r.netIncome());
    assertDecimal("2.5", r.eps());
    assertDecimal("2.48", r.epsDiluted());
  }

  @Test
  void balanceSheetFromFinancialsAsksForTheAnnualTimeframe() {
    stub("/vX/reference/financials", "polygon/financials-nxpi.json");
    FinancialStatement s =
        fetched(
            ProviderHarness.fetch(kit, polygon(), statementKey("NXPI", "balance", "annual")),
            FinancialStatement.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/vX/reference/financials"))
            .withQueryParam("ticker", equalTo("NXPI"))
            .withQueryParam("timeframe", equalTo("annual")));
    FinancialStatement.Balance r =
        assertInstanceOf(FinancialStatement.Balance.class, s.reports().get(0));
    assertDecimal("21321000000", r.totalAssets());
    assertDecimal("14561000000", r.totalLiabilities());
    assertDecimal("6760000000", r.totalEquity());
  }

  @Test
  void cashFlowFromFinancialsHasNoCapexOrFreeCashFlow() {
    stub("/vX/reference/financials", "polygon/financials-nxpi.json");
    FinancialStatement s =
        fetched(
            ProviderHarness.fetch(kit, polygon(), statementKey("NXPI", "cash_flow", "quarterly")),
            FinancialStatement.class);
    FinancialStatement.CashFlow r =
        assertInstanceOf(FinancialStatement.CashFlow.class, s.reports().get(0));
    assertEquals(LocalDate.of(2022, 4, 3), r.fiscalDateEnding());
    assertDecimal("856000000", r.operatingCashFlow());
    assertNull(r.capitalExpenditure());
    assertNull(r.freeCashFlow());
  }

  // ---------------------------------------------------------------- Benzinga earnings

  @Test
  void benzingaEarnings() {
    stub("/benzinga/v1/earnings", "polygon/benzinga-earnings-gfai.json");
    Earnings e =
        roundTripped(
            ProviderHarness.fetch(kit, polygon(), FetchKey.of(Dataset.EARNINGS, "GFAI")),
            Earnings.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/benzinga/v1/earnings"))
            .withQueryParam("ticker", equalTo("GFAI"))
            .withQueryParam("sort", equalTo("date.desc"))
            .withQueryParam("limit", equalTo("20"))
            .withHeader("Authorization", equalTo(BEARER)));
    assertEquals("GFAI", e.symbol());
    assertEquals(1, e.events().size());
    Earnings.Event ev = e.events().get(0);
    assertEquals(LocalDate.of(2029, 9, 24), ev.date());
    assertEquals("H1 2024", ev.fiscalPeriod(), "fiscal_year comes as a number");
    assertDecimal("-0.19", ev.epsActual());
    assertNull(ev.epsEstimate(), "no estimated_eps in this answer");
    assertDecimal("17566000", ev.revenueActual());
    assertNull(ev.revenueEstimate());
  }

  @Test
  void benzingaEarningsOfAnotherTickerAreInvalid() {
    stub("/benzinga/v1/earnings", "polygon/benzinga-earnings-gfai.json");
    var outcome = ProviderHarness.fetch(kit, polygon(), FetchKey.of(Dataset.EARNINGS, "AAPL"));
    assertEquals(ProviderErrorCode.INVALID_RESPONSE, failure(outcome));
  }

  // ---------------------------------------------------------------- ticker details

  @Test
  void tickerDetails() {
    stub("/v3/reference/tickers/AAPL", "polygon/ticker-details-aapl.json");
    CompanyProfile p =
        roundTripped(
            ProviderHarness.fetch(kit, polygon(), FetchKey.of(Dataset.COMPANY, "AAPL")),
            CompanyProfile.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/v3/reference/tickers/AAPL"))
            .withHeader("Authorization", equalTo(BEARER)));
    assertEquals("AAPL", p.symbol());
    assertEquals("Apple Inc.", p.name());
    assertEquals("XNAS", p.exchange());
    assertNull(p.sector());
    assertEquals("ELECTRONIC COMPUTERS", p.industry());
    assertEquals("US", p.country());
    assertEquals("USD", p.currency(), "currency_name \"usd\" upper-cased");
    assertEquals("https://www.apple.com", p.website());
    assertTrue(
        p.description().startsWith("Apple designs a wide variety of consumer electronic devices"),
        p.description());
    assertNull(p.ceo());
    assertDecimal("2488795282370", p.marketCap());
    assertEquals(154000L, p.employees());
  }

  @Test
  void tickerDetailsOfAnotherTickerAreInvalid() {
    stub("/v3/reference/tickers/MSFT", "polygon/ticker-details-aapl.json");
    var outcome = ProviderHarness.fetch(kit, polygon(), FetchKey.of(Dataset.COMPANY, "MSFT"));
    assertEquals(ProviderErrorCode.INVALID_RESPONSE, failure(outcome));
  }

  // ---------------------------------------------------------------- ticker search

  @Test
  void tickerSearch() {
    stub("/v3/reference/tickers", "polygon/ticker-search.json");
    SymbolSearch s =
        roundTripped(
            ProviderHarness.fetch(kit, polygon(), FetchKey.of(Dataset.SEARCH, "a")),
            SymbolSearch.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/v3/reference/tickers"))
            .withQueryParam("search", equalTo("a"))
            .withQueryParam("active", equalTo("true"))
            .withQueryParam("limit", equalTo("20"))
            .withHeader("Authorization", equalTo(BEARER)));
    assertEquals(
        List.of(
            new SymbolSearch.Match("A", "Agilent Technologies Inc.", "XNYS", "CS", "USD"),
            new SymbolSearch.Match("AA", "Alcoa Corporation", "XNYS", "CS", "USD")),
        s.matches());
  }

  // ---------------------------------------------------------------- news

  @Test
  void tickerNews() {
    stub("/v2/reference/news", "polygon/news-nflx.json");
    News n =
        roundTripped(
            ProviderHarness.fetch(kit, polygon(), FetchKey.of(Dataset.NEWS, "NFLX")), News.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/v2/reference/news"))
            .withQueryParam("ticker", equalTo("NFLX"))
            .withQueryParam("order", equalTo("desc"))
            .withQueryParam("limit", equalTo("20"))
            .withHeader("Authorization", equalTo(BEARER)));
    assertEquals("NFLX", n.symbol());
    assertEquals(1, n.articles().size());
    News.Article a = n.articles().get(0);
    assertEquals(
        "Theres a big hole in the Feds theory of inflation\u2014incomes are falling at a record 10.9 rate",
        a.title());
    assertEquals("MarketWatch", a.source());
    assertEquals(
        "https://www.marketwatch.com/story/theres-a-big-hole-in-the-feds-theory-of-inflationincomes-are-falling-at-a-record-10-9-rate-11651165705",
        a.url());
    assertEquals(Instant.parse("2022-04-28T17:08:00Z"), a.publishedAt());
    assertEquals(
        "If inflation is all due to an overly generous federal government giving its people too much money, then our inflation problem is about to go away.",
        a.description());
  }

  // ---------------------------------------------------------------- errors

  @ParameterizedTest(name = "{0} {1} HTTP {2} -> {3}")
  @CsvSource({
    "options_flow, polygon/error-unknown-key.json, 401, UNAUTHORIZED",
    "options_flow, polygon/error-not-authorized.json, 403, NOT_ENTITLED",
    "fundamentals, polygon/error-not-authorized.json, 403, NOT_ENTITLED",
    "earnings, polygon/error-not-authorized.json, 403, NOT_ENTITLED",
    "earnings, polygon/error-unknown-key.json, 401, UNAUTHORIZED",
    "company, polygon/error-rate-limit.json, 429, RATE_LIMIT",
    "company, polygon/ticker-not-found.json, 404, NOT_FOUND",
    "search, polygon/error-unknown-key.json, 401, UNAUTHORIZED",
    "news, polygon/error-rate-limit.json, 429, RATE_LIMIT",
    "news, polygon/error-not-authorized.json, 403, NOT_ENTITLED",
  })
  void errorBodiesMapToTheirCodes(String dataset, String file, int status, ProviderErrorCode code) {
    wiremock.stubFor(
        get(anyUrl())
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/json")
                    .withBody(golden(file))));
    var outcome =
        ProviderHarness.fetch(
            kit, polygon(), FetchKey.of(Dataset.fromWireName(dataset).orElseThrow(), "AAPL"));
    assertEquals(code, failure(outcome), outcome.toString());
  }
}
