package io.marketgate.app.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.junit.jupiter.api.Assertions.*;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.marketgate.app.provider.tiingo.TiingoAdapter;
import io.marketgate.app.provider.tiingo.TiingoAdapter.QuoteEndpoint;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.RequestOrigin;
import io.marketgate.protocol.data.CompanyProfile;
import io.marketgate.protocol.data.Quote;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tiingo bodies in the formats of its public documentation (IEX top of book before and after IEX's
 * 2025 policy, end-of-day prices, daily metadata, every error shape) served over real HTTP: the
 * request sent with its {@code Authorization: Token} key, the normalised values field by field, the
 * multi-ticker call, and how long a rate-limited key rests.
 */
class TiingoGoldenTest extends GoldenTest {
  private static final String KEY = "golden-key-1234";
  private static final String TOKEN = "Token " + KEY;

  /** 40 minutes before the next hour, 9 h 40 min before UTC midnight, 14 days more before April. */
  private static final Instant NOW = Instant.parse("2026-03-17T14:20:00Z");

  private ActorRef<ProviderActor.Command> iex() {
    return provider("tiingo", "", "");
  }

  private ActorRef<ProviderActor.Command> daily() {
    return provider("tiingo", "", "marketgate.providers.tiingo.quote-endpoint = daily");
  }

  /** The adapter on a clock stopped at {@link #NOW}, for the rest periods of rate limits. */
  private ActorRef<ProviderActor.Command> stoppedClock(QuoteEndpoint endpoint) {
    return ProviderHarness.spawn(
        kit,
        ProviderHarness.settings("tiingo", wiremock.baseUrl(), ""),
        new TiingoAdapter(endpoint, 100, Clock.fixed(NOW, ZoneOffset.UTC)));
  }

  private static <T> T roundTripped(ProviderOutcome outcome, Class<T> type) {
    return roundTripped(outcome, "tiingo", type);
  }

  private static ProviderErrorCode failure(ProviderOutcome outcome) {
    return failure(outcome, "tiingo");
  }

  private BatchOutcome fetchBatch(ActorRef<ProviderActor.Command> provider, String... symbols) {
    TestProbe<BatchOutcome> probe = kit.createTestProbe();
    List<FetchKey> keys = Arrays.stream(symbols).map(s -> FetchKey.of(Dataset.QUOTE, s)).toList();
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

  /** Every request carried the key in its header and none in its URL. */
  private void assertKeyOnlyInTheHeader(int expectedRequests) {
    List<LoggedRequest> requests = wiremock.findAll(anyRequestedFor(anyUrl()));
    assertEquals(expectedRequests, requests.size());
    for (LoggedRequest r : requests) {
      assertEquals(TOKEN, r.getHeader("Authorization"), r.getUrl());
      assertFalse(r.getUrl().contains(KEY), r.getUrl());
      assertFalse(r.getUrl().contains("token="), r.getUrl());
    }
  }

  // ---------------------------------------------------------------- IEX top of book

  @Test
  void iexQuoteOfOneTicker() {
    stub("/iex/", "tiingo/iex-aapl.json");
    Quote q = roundTripped(ProviderHarness.fetch(kit, iex(), "AAPL"), Quote.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/iex/"))
            .withQueryParam("tickers", equalTo("aapl"))
            .withHeader("Authorization", equalTo(TOKEN)));
    assertKeyOnlyInTheHeader(1);
    assertEquals("AAPL", q.symbol());
    assertDecimal("148.6", q.price());
    assertDecimal("1.06", q.change());
    assertDecimal("0.7184", q.changePercent());
    assertDecimal("147.48", q.open());
    assertDecimal("148.75", q.dayHigh());
    assertDecimal("146.83", q.dayLow());
    assertDecimal("147.54", q.previousClose());
    assertEquals(55802388L, q.volume());
    assertEquals("USD", q.currency());
    assertEquals(Instant.parse("2021-08-27T20:00:00Z"), q.asOf());
    assertFalse(q.delayed());
  }

  @Test
  void iexBatchGivesOneOutcomePerTickerAndATickerLeftOutIsNotFound() {
    stub("/iex/", "tiingo/iex-aapl-msft.json");
    BatchOutcome batch = fetchBatch(iex(), "AAPL", "MSFT", "ZZZZ");

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/iex/"))
            .withQueryParam("tickers", equalTo("aapl,msft,zzzz")));
    assertKeyOnlyInTheHeader(1);
    assertEquals(3, batch.outcomes().size());
    Quote aapl = roundTripped(outcomeOf(batch, "AAPL"), Quote.class);
    assertEquals("AAPL", aapl.symbol());
    assertDecimal("254.095", aapl.price()); // tngoLast: last is null without an IEX agreement
    assertDecimal("-1.365", aapl.change());
    assertDecimal("-0.5343", aapl.changePercent());
    assertDecimal("254.56", aapl.open());
    assertDecimal("255.0", aapl.dayHigh());
    assertDecimal("253.01", aapl.dayLow());
    assertDecimal("255.46", aapl.previousClose());
    assertEquals(860648L, aapl.volume(), "a volume written 860648.0");
    assertEquals("USD", aapl.currency());
    assertEquals(
        Instant.parse("2025-09-29T19:00:07.078869649Z"),
        aapl.asOf(),
        "nanoseconds and offset kept");
    assertFalse(aapl.delayed());
    Quote msft = roundTripped(outcomeOf(batch, "MSFT"), Quote.class);
    assertEquals("MSFT", msft.symbol());
    assertDecimal("514.6", msft.price());
    assertDecimal("3.14", msft.change());
    assertDecimal("0.6139", msft.changePercent());
    assertDecimal("511.46", msft.previousClose());
    assertEquals(215394L, msft.volume());
    assertEquals(Instant.parse("2025-09-29T19:00:06.912200391Z"), msft.asOf());
    assertEquals(
        ProviderErrorCode.NOT_FOUND,
        failure(outcomeOf(batch, "ZZZZ")),
        "a ticker the answer leaves out");
  }

  @Test
  void anUnreadableElementFailsOnlyItsTicker() {
    wiremock.stubFor(
        get(urlPathEqualTo("/iex/"))
            .willReturn(
                okJson(
                    "[{\"ticker\":\"AAPL\",\"tngoLast\":\"abc\"},{\"ticker\":\"MSFT\",\"tngoLast\":10,\"prevClose\":8,\"timestamp\":\"2025-09-29T20:00:00+00:00\"}]")));
    BatchOutcome batch = fetchBatch(iex(), "AAPL", "MSFT");
    assertEquals(ProviderErrorCode.INVALID_RESPONSE, failure(outcomeOf(batch, "AAPL")));
    assertDecimal("25", roundTripped(outcomeOf(batch, "MSFT"), Quote.class).changePercent());
  }

  @Test
  void batchSizeComesFromTheSettingsAndTheDailyEndpointTakesOneTicker() {
    BatchQuotes configured =
        (BatchQuotes)
            ProviderRegistry.adapterFor(
                    ProviderHarness.settings(
                        "tiingo",
                        wiremock.baseUrl(),
                        "marketgate.providers.tiingo.max-batch-size = 10"))
                .orElseThrow();
    assertEquals(10, configured.maxBatchSize());
    BatchQuotes byDefault =
        (BatchQuotes)
            ProviderRegistry.adapterFor(ProviderHarness.settings("tiingo", wiremock.baseUrl(), ""))
                .orElseThrow();
    assertEquals(100, byDefault.maxBatchSize());
    BatchQuotes daily =
        (BatchQuotes)
            ProviderRegistry.adapterFor(
                    ProviderHarness.settings(
                        "tiingo",
                        wiremock.baseUrl(),
                        "marketgate.providers.tiingo.quote-endpoint = daily"))
                .orElseThrow();
    assertEquals(1, daily.maxBatchSize());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ProviderRegistry.adapterFor(
                ProviderHarness.settings(
                    "tiingo",
                    wiremock.baseUrl(),
                    "marketgate.providers.tiingo.quote-endpoint = realtime")));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ProviderRegistry.adapterFor(
                ProviderHarness.settings(
                    "tiingo",
                    wiremock.baseUrl(),
                    "marketgate.providers.tiingo.max-batch-size = 0")));
  }

  // ---------------------------------------------------------------- end-of-day prices

  @Test
  void dailyQuoteIsTheLatestEndOfDayBar() {
    stub("/tiingo/daily/pg/prices", "tiingo/daily-prices-pg.json");
    Quote q = roundTripped(ProviderHarness.fetch(kit, daily(), "PG"), Quote.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/tiingo/daily/pg/prices"))
            .withHeader("Authorization", equalTo(TOKEN)));
    assertKeyOnlyInTheHeader(1);
    assertEquals("PG", q.symbol());
    assertDecimal("131.18", q.price());
    assertNull(q.change(), "one bar has no previous close");
    assertNull(q.changePercent());
    assertDecimal("131.24", q.open());
    assertDecimal("131.89", q.dayHigh());
    assertDecimal("130.295", q.dayLow());
    assertNull(q.previousClose());
    assertEquals(8297033L, q.volume());
    assertNull(q.currency(), "the end-of-day answer names no currency");
    assertEquals(Instant.parse("2021-04-27T00:00:00Z"), q.asOf());
    assertTrue(q.delayed(), "an end-of-day bar is delayed data");
  }

  @Test
  void aDailyBatchIsOneEndOfDayCallPerSymbol() {
    stub("/tiingo/daily/pg/prices", "tiingo/daily-prices-pg.json");
    BatchOutcome batch = fetchBatch(daily(), "PG");
    assertDecimal("131.18", roundTripped(outcomeOf(batch, "PG"), Quote.class).price());
    assertKeyOnlyInTheHeader(1);
  }

  // ---------------------------------------------------------------- daily metadata

  @Test
  void companyFromTheDailyMetadata() {
    stub("/tiingo/daily/pg", "tiingo/daily-meta-pg.json");
    CompanyProfile p =
        roundTripped(
            ProviderHarness.fetch(kit, iex(), FetchKey.of(Dataset.COMPANY, "PG")),
            CompanyProfile.class);

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/tiingo/daily/pg"))
            .withHeader("Authorization", equalTo(TOKEN)));
    assertKeyOnlyInTheHeader(1);
    assertEquals("PG", p.symbol());
    assertEquals("Procter & Gamble Company", p.name());
    assertEquals("NYSE", p.exchange());
    assertTrue(
        p.description().startsWith("P&G serves consumers around the world"), p.description());
    assertNull(p.sector());
    assertNull(p.industry());
    assertNull(p.country());
    assertNull(p.currency());
    assertNull(p.website());
    assertNull(p.ceo());
    assertNull(p.marketCap());
    assertNull(p.employees());
  }

  @Test
  void metadataOfAnotherTickerIsInvalid() {
    stub("/tiingo/daily/msft", "tiingo/daily-meta-pg.json");
    var outcome = ProviderHarness.fetch(kit, iex(), FetchKey.of(Dataset.COMPANY, "MSFT"));
    assertEquals(ProviderErrorCode.INVALID_RESPONSE, failure(outcome));
  }

  // ---------------------------------------------------------------- invalid answers

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "another ticker | 200 | [{\"ticker\":\"MSFT\",\"tngoLast\":10,\"timestamp\":\"2025-09-29T20:00:00+00:00\"}]",
        "price zero | 200 | [{\"ticker\":\"AAPL\",\"tngoLast\":0,\"last\":null,\"timestamp\":\"2025-09-29T20:00:00+00:00\"}]",
        "price missing | 200 | [{\"ticker\":\"AAPL\",\"tngoLast\":null,\"last\":null,\"timestamp\":\"2025-09-29T20:00:00+00:00\"}]",
        "high below low | 200 | [{\"ticker\":\"AAPL\",\"tngoLast\":10,\"high\":11,\"low\":12,\"timestamp\":\"2025-09-29T20:00:00+00:00\"}]",
        "an object, not an array | 200 | {\"ticker\":\"AAPL\",\"tngoLast\":10}",
        "truncated JSON | 200 | [{\"ticker\":\"AAPL\",\"tngoLast\":14",
        "HTML page | 200 | <html><body><h1>Maintenance</h1></body></html>",
        "an unknown detail with status 200 | 200 | {\"detail\":\"Error: Something went wrong on our end.\"}",
      })
  void invalidAnswersAreInvalidResponses(String description, int status, String body) {
    wiremock.stubFor(
        get(urlPathEqualTo("/iex/")).willReturn(aResponse().withStatus(status).withBody(body)));
    assertEquals(
        ProviderErrorCode.INVALID_RESPONSE,
        failure(ProviderHarness.fetch(kit, iex(), "AAPL")),
        description);
  }

  // ---------------------------------------------------------------- errors

  @ParameterizedTest(name = "{0} {1} {2} HTTP {3} -> {4} resting {5}")
  @CsvSource({
    "iex, quote, tiingo/empty.json, 200, NOT_FOUND, ",
    "daily, quote, tiingo/error-ticker-not-found.json, 404, NOT_FOUND, ",
    "iex, company, tiingo/error-not-found.json, 404, NOT_FOUND, ",
    "iex, quote, tiingo/error-invalid-token.json, 401, UNAUTHORIZED, ",
    "daily, quote, tiingo/error-no-token.json, 401, UNAUTHORIZED, ",
    "iex, company, tiingo/error-invalid-token.json, 401, UNAUTHORIZED, ",
    "iex, quote, tiingo/error-no-permission.json, 403, NOT_ENTITLED, ",
    "iex, quote, tiingo/error-hourly-allocation.json, 429, RATE_LIMIT, PT40M",
    "iex, quote, tiingo/error-hourly-allocation.json, 200, RATE_LIMIT, PT40M",
    "daily, quote, tiingo/error-hourly-allocation.json, 429, RATE_LIMIT, PT40M",
    "iex, company, tiingo/error-daily-allocation.json, 429, RATE_LIMIT, PT9H40M",
    "iex, quote, tiingo/error-monthly-bandwidth.json, 429, RATE_LIMIT, PT345H40M",
    "iex, quote, tiingo/error-monthly-symbols.txt, 200, RATE_LIMIT, PT345H40M",
  })
  void errorBodiesMapToTheirCodes(
      String endpoint,
      String dataset,
      String file,
      int status,
      ProviderErrorCode code,
      Duration rest) {
    String type = file.endsWith(".txt") ? "text/plain" : "application/json";
    wiremock.stubFor(
        get(anyUrl())
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", type)
                    .withBody(golden(file))));
    var outcome =
        ProviderHarness.fetch(
            kit,
            stoppedClock(TiingoAdapter.parseQuoteEndpoint(endpoint)),
            FetchKey.of(Dataset.fromWireName(dataset).orElseThrow(), "AAPL"));
    assertEquals(code, failure(outcome), outcome.toString());
    assertEquals(rest, ((ProviderOutcome.Failed) outcome).retryAfter());
  }

  @Test
  void aTickerNamedInAMessageDoesNotChangeItsMeaning() {
    wiremock.stubFor(
        get(urlPathEqualTo("/tiingo/daily/token/prices"))
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"detail\":\"Error: Ticker 'TOKEN' not found\"}")));
    assertEquals(
        ProviderErrorCode.NOT_FOUND,
        failure(ProviderHarness.fetch(kit, daily(), "TOKEN")),
        "not a rejected key");
  }

  @Test
  void aTooManyRequestsWithoutTiingoWordsRestsTheConfiguredCooldown() {
    wiremock.stubFor(
        get(urlPathEqualTo("/iex/"))
            .willReturn(aResponse().withStatus(429).withBody("Too Many Requests")));
    var outcome = ProviderHarness.fetch(kit, iex(), "AAPL");
    assertEquals(ProviderErrorCode.RATE_LIMIT, failure(outcome));
    assertNull(
        ((ProviderOutcome.Failed) outcome).retryAfter(), "TIINGO_KEY_COOLDOWN_SECONDS applies");
  }

  @Test
  void aRateLimitOfTheWholeBatchFailsEveryTickerWithTheSameRest() {
    wiremock.stubFor(
        get(urlPathEqualTo("/iex/"))
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Content-Type", "application/json")
                    .withBody(golden("tiingo/error-hourly-allocation.json"))));
    BatchOutcome batch = fetchBatch(stoppedClock(QuoteEndpoint.IEX), "AAPL", "MSFT");
    for (String s : List.of("AAPL", "MSFT")) {
      ProviderOutcome.Failed failed =
          assertInstanceOf(ProviderOutcome.Failed.class, outcomeOf(batch, s));
      assertEquals(ProviderErrorCode.RATE_LIMIT, failed.error().code());
      assertEquals(Duration.ofMinutes(40), failed.retryAfter(), "until 15:00 UTC");
    }
  }

  @Test
  void anHtmlGatewayErrorIsANetworkError() {
    wiremock.stubFor(
        get(urlPathEqualTo("/iex/"))
            .willReturn(
                aResponse()
                    .withStatus(502)
                    .withHeader("Content-Type", "text/html")
                    .withBody("<html><body><h1>502 Bad Gateway</h1></body></html>")));
    assertEquals(
        ProviderErrorCode.NETWORK_ERROR, failure(ProviderHarness.fetch(kit, iex(), "AAPL")));
  }
}
