package io.marketgate.app.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.app.json.Json;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.data.Quote;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Recorded FMP and Polygon quote bodies, in the formats of the providers' public documentation,
 * served over real HTTP: the normalised values are checked field by field and each error shape maps
 * to its code.
 */
class QuoteGoldenTest extends GoldenTest {

  private static Quote quote(ProviderOutcome outcome) {
    ProviderOutcome.Fetched fetched =
        assertInstanceOf(ProviderOutcome.Fetched.class, outcome, outcome.toString());
    Quote fromRecord = (Quote) fetched.record();
    assertEquals(fromRecord, Json.decode(fetched.data(), Quote.class), "encoded data round-trips");
    return fromRecord;
  }

  @Test
  void fmpStableQuote() {
    wiremock.stubFor(
        get(urlPathEqualTo("/stable/quote"))
            .willReturn(okJson(golden("fmp/stable-quote-aapl.json"))));
    Quote q = quote(ProviderHarness.fetch(kit, provider("fmp", "/stable", ""), "AAPL"));

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/stable/quote"))
            .withQueryParam("symbol", equalTo("AAPL"))
            .withQueryParam("apikey", equalTo("golden-key-1234")));
    assertEquals("AAPL", q.symbol());
    assertDecimal("232.8", q.price());
    assertDecimal("4.79", q.change());
    assertDecimal("2.1008", q.changePercent());
    assertDecimal("227.2", q.open());
    assertDecimal("233.13", q.dayHigh());
    assertDecimal("226.65", q.dayLow());
    assertDecimal("228.01", q.previousClose());
    assertEquals(44489128L, q.volume());
    assertEquals("USD", q.currency());
    assertEquals(Instant.ofEpochSecond(1738702801), q.asOf());
    assertFalse(q.delayed());
  }

  @Test
  void fmpLegacyV3Quote() {
    wiremock.stubFor(
        get(urlPathEqualTo("/api/v3/quote/AAPL"))
            .willReturn(okJson(golden("fmp/v3-quote-aapl.json"))));
    Quote q = quote(ProviderHarness.fetch(kit, provider("fmp", "/api/v3", ""), "AAPL"));

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/api/v3/quote/AAPL"))
            .withQueryParam("apikey", equalTo("golden-key-1234")));
    assertDecimal("145.775", q.price());
    assertDecimal("0.465", q.change());
    assertDecimal("0.32", q.changePercent());
    assertDecimal("144.38", q.open());
    assertDecimal("146.71", q.dayHigh());
    assertDecimal("143.9", q.dayLow());
    assertDecimal("145.31", q.previousClose());
    assertEquals(42478176L, q.volume());
    assertEquals(Instant.ofEpochSecond(1677790773), q.asOf());
  }

  @Test
  void polygonPreviousDayAggregate() {
    wiremock.stubFor(
        get(urlPathEqualTo("/v2/aggs/ticker/AAPL/prev"))
            .willReturn(okJson(golden("polygon/prev-aapl.json"))));
    Quote q = quote(ProviderHarness.fetch(kit, provider("polygon", "", ""), "AAPL"));

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/v2/aggs/ticker/AAPL/prev"))
            .withHeader("Authorization", equalTo("Bearer golden-key-1234")));
    assertEquals("AAPL", q.symbol());
    assertDecimal("115.97", q.price());
    assertDecimal("115.55", q.open());
    assertDecimal("117.59", q.dayHigh());
    assertDecimal("114.13", q.dayLow());
    assertNull(q.previousClose());
    assertNull(q.change());
    assertEquals(131704427L, q.volume());
    assertEquals(Instant.ofEpochMilli(1605042000000L), q.asOf());
    assertTrue(q.delayed(), "a previous-day bar is delayed data");
  }

  @Test
  void polygonTickerSnapshot() {
    wiremock.stubFor(
        get(urlPathEqualTo("/v2/snapshot/locale/us/markets/stocks/tickers/AAPL"))
            .willReturn(okJson(golden("polygon/snapshot-aapl.json"))));
    Quote q =
        quote(
            ProviderHarness.fetch(
                kit,
                provider("polygon", "", "marketgate.providers.polygon.quote-endpoint = snapshot"),
                "AAPL"));

    assertDecimal("120.47", q.price());
    assertDecimal("0.98", q.change());
    assertDecimal("0.82", q.changePercent());
    assertDecimal("119.62", q.open());
    assertDecimal("120.53", q.dayHigh());
    assertDecimal("118.81", q.dayLow());
    assertDecimal("119.49", q.previousClose());
    assertEquals(28727868L, q.volume());
    assertEquals(Instant.ofEpochSecond(1605195918L, 306274000L), q.asOf());
    assertFalse(q.delayed());
  }

  @ParameterizedTest(name = "{0} {1} HTTP {2} -> {3}")
  @CsvSource({
    "fmp, fmp/error-invalid-key.json, 401, UNAUTHORIZED",
    "fmp, fmp/error-invalid-key.json, 200, UNAUTHORIZED",
    "fmp, fmp/error-limit-reach.json, 429, RATE_LIMIT",
    "fmp, fmp/empty.json, 200, NOT_FOUND",
    "polygon, polygon/error-unknown-key.json, 401, UNAUTHORIZED",
    "polygon, polygon/error-not-authorized.json, 403, NOT_ENTITLED",
    "polygon, polygon/error-rate-limit.json, 429, RATE_LIMIT",
    "polygon, polygon/prev-unknown.json, 200, NOT_FOUND",
  })
  void errorBodiesMapToTheirCodes(
      String providerName, String file, int status, ProviderErrorCode code) {
    String path = providerName.equals("fmp") ? "/stable/quote" : "/v2/aggs/ticker/AAPL/prev";
    wiremock.stubFor(
        get(urlPathEqualTo(path))
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/json")
                    .withBody(golden(file))));
    ProviderOutcome outcome =
        ProviderHarness.fetch(
            kit, provider(providerName, providerName.equals("fmp") ? "/stable" : "", ""), "AAPL");
    ProviderOutcome.Failed failed = assertInstanceOf(ProviderOutcome.Failed.class, outcome);
    assertEquals(code, failed.error().code(), failed.error().message());
    assertEquals(providerName, failed.error().provider());
  }

  @Test
  void polygonSnapshotOfAnUnknownTickerIsNotFound() {
    wiremock.stubFor(
        get(urlPathEqualTo("/v2/snapshot/locale/us/markets/stocks/tickers/ZZZZ"))
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withHeader("Content-Type", "application/json")
                    .withBody(golden("polygon/snapshot-not-found.json"))));
    var outcome =
        ProviderHarness.fetch(
            kit,
            provider("polygon", "", "marketgate.providers.polygon.quote-endpoint = snapshot"),
            "ZZZZ");
    assertEquals(
        ProviderErrorCode.NOT_FOUND,
        assertInstanceOf(ProviderOutcome.Failed.class, outcome).error().code());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "truncated JSON | [{\"symbol\":\"AAPL\",\"price\":23",
        "HTML error page | <html><body><h1>502 Bad Gateway</h1></body></html>",
        "price zero | [{\"symbol\":\"AAPL\",\"price\":0,\"dayLow\":1,\"dayHigh\":2,\"timestamp\":1738702801}]",
        "high below low | [{\"symbol\":\"AAPL\",\"price\":10,\"dayLow\":12,\"dayHigh\":11,\"timestamp\":1738702801}]",
        "another symbol | [{\"symbol\":\"MSFT\",\"price\":10,\"timestamp\":1738702801}]",
        "price missing | [{\"symbol\":\"AAPL\",\"timestamp\":1738702801}]",
        "price not a number | [{\"symbol\":\"AAPL\",\"price\":\"abc\",\"timestamp\":1738702801}]",
      })
  void invalidAnswersAreInvalidResponses(String description, String body) {
    wiremock.stubFor(
        get(urlPathEqualTo("/stable/quote"))
            .willReturn(aResponse().withStatus(200).withBody(body)));
    var outcome = ProviderHarness.fetch(kit, provider("fmp", "/stable", ""), "AAPL");
    assertEquals(
        ProviderErrorCode.INVALID_RESPONSE,
        assertInstanceOf(ProviderOutcome.Failed.class, outcome).error().code(),
        description);
  }
}
