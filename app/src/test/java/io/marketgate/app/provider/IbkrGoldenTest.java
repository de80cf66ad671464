package io.marketgate.app.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.junit.jupiter.api.Assertions.*;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.typesafe.config.ConfigFactory;
import io.marketgate.app.config.GatewaySettings;
import io.marketgate.app.testkit.Eventually;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.data.Quote;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The IBKR Client Portal gateway's bodies in the formats of IBKR's Web API documentation (its
 * secdef search and snapshot examples, the 6509 availability codes, the {@code {"error": …}}
 * envelope), with numbers of a real trading day: the search, the market data line that fills on the
 * second snapshot, the cached conid, availability and price prefixes, each error shape, and the
 * gateway's self-signed HTTPS.
 */
class IbkrGoldenTest extends GoldenTest {
  private static final String SEARCH = "/v1/api/iserver/secdef/search";
  private static final String SNAPSHOT = "/v1/api/iserver/marketdata/snapshot";
  private static final String ACCOUNTS = "/v1/api/iserver/accounts";
  private static final String LINE = "line";

  private ActorRef<ProviderActor.Command> ibkr() {
    return provider("ibkr", "/v1/api", "");
  }

  private static Quote quote(ProviderOutcome outcome) {
    return roundTripped(outcome, "ibkr", Quote.class);
  }

  private static ProviderOutcome.Failed failed(ProviderOutcome outcome) {
    return assertInstanceOf(ProviderOutcome.Failed.class, outcome, outcome.toString());
  }

  private void searchAnswers(String goldenFile) {
    stub(SEARCH, goldenFile);
  }

  /**
   * The gateway's first snapshot of the conid opens the line and holds no data; the next ones do.
   */
  private void lineFillsOnSecondSnapshot(String dataFile) {
    wiremock.stubFor(
        get(urlPathEqualTo(SNAPSHOT))
            .inScenario(LINE)
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(okJson(golden("ibkr/snapshot-preflight-aapl.json")))
            .willSetStateTo("open"));
    wiremock.stubFor(
        get(urlPathEqualTo(SNAPSHOT))
            .inScenario(LINE)
            .whenScenarioStateIs("open")
            .willReturn(okJson(golden(dataFile))));
  }

  @Test
  void aQuoteIsASearchAnOpeningSnapshotAndADataSnapshot() {
    searchAnswers("ibkr/secdef-search-aapl.json");
    lineFillsOnSecondSnapshot("ibkr/snapshot-aapl-delayed.json");
    Quote q = quote(ProviderHarness.fetch(kit, ibkr(), "AAPL"));

    wiremock.verify(
        1,
        getRequestedFor(urlPathEqualTo(SEARCH))
            .withQueryParam("symbol", equalTo("AAPL"))
            .withQueryParam("name", equalTo("false"))
            .withQueryParam("secType", equalTo("STK")));
    wiremock.verify(
        2,
        getRequestedFor(urlPathEqualTo(SNAPSHOT))
            .withQueryParam("conids", equalTo("265598"))
            .withQueryParam("fields", equalTo("31,55,70,71,82,83,87,7295,7741,7762,6509")));
    assertEquals("AAPL", q.symbol());
    assertDecimal("203.92", q.price());
    assertDecimal("2.47", q.change());
    assertDecimal("1.23", q.changePercent());
    assertDecimal("201.45", q.open());
    assertDecimal("205.35", q.dayHigh());
    assertDecimal("200.97", q.dayLow());
    assertDecimal("201.45", q.previousClose());
    assertEquals(46607693L, q.volume(), "field 7762, exact");
    assertEquals("USD", q.currency());
    assertEquals(Instant.ofEpochMilli(1749478449143L), q.asOf());
    assertTrue(q.delayed(), "6509 DPB: delayed");
  }

  @Test
  void theConidIsCachedSoTheNextFetchSkipsTheSearch() {
    searchAnswers("ibkr/secdef-search-aapl.json");
    lineFillsOnSecondSnapshot("ibkr/snapshot-aapl-delayed.json");
    ActorRef<ProviderActor.Command> ibkr = ibkr();
    quote(ProviderHarness.fetch(kit, ibkr, "AAPL"));
    Quote again = quote(ProviderHarness.fetch(kit, ibkr, "aapl"));

    assertDecimal("203.92", again.price());
    wiremock.verify(1, getRequestedFor(urlPathEqualTo(SEARCH)));
    wiremock.verify(
        3, getRequestedFor(urlPathEqualTo(SNAPSHOT)).withQueryParam("conids", equalTo("265598")));
  }

  @Test
  void aRealTimeSnapshotIsNotDelayedAndItsShortenedVolumeIsRead() {
    searchAnswers("ibkr/secdef-search-aapl.json");
    stub(SNAPSHOT, "ibkr/snapshot-aapl-realtime.json");
    Quote q = quote(ProviderHarness.fetch(kit, ibkr(), "AAPL"));

    assertFalse(q.delayed(), "6509 RpB: real-time");
    assertDecimal("202.67", q.price());
    assertDecimal("-0.25", q.change());
    assertDecimal("-0.12", q.changePercent());
    assertEquals(54_700_000L, q.volume(), "field 87 \"54.7M\" without 7762");
    wiremock.verify(1, getRequestedFor(urlPathEqualTo(SNAPSHOT)));
  }

  @ParameterizedTest(name = "6509 {0} -> delayed {1}")
  @CsvSource({"RpB, false", "DPB, true", "ZPB, false", "YPB, true", "Dp, true"})
  void availabilityTellsRealTimeFromDelayed(String availability, boolean delayed) {
    searchAnswers("ibkr/secdef-search-aapl.json");
    wiremock.stubFor(
        get(urlPathEqualTo(SNAPSHOT))
            .willReturn(
                okJson(
                    golden("ibkr/snapshot-aapl-delayed.json")
                        .replace("\"DPB\"", "\"" + availability + "\""))));
    assertEquals(delayed, quote(ProviderHarness.fetch(kit, ibkr(), "AAPL")).delayed());
  }

  @Test
  void aPriceMarkedCIsThePriorCloseBeforeTheFirstTrade() {
    searchAnswers("ibkr/secdef-search-aapl.json");
    stub(SNAPSHOT, "ibkr/snapshot-aapl-prior-close.json");
    Quote q = quote(ProviderHarness.fetch(kit, ibkr(), "AAPL"));

    assertDecimal("203.92", q.price());
    assertDecimal("203.92", q.previousClose()); // the C price is the prior close itself
    assertNull(q.dayHigh(), "nothing traded today");
    assertNull(q.volume());
    assertTrue(q.delayed());
  }

  @Test
  void aRowWithThePriceButNotTheSymbolIsAnsweredAtOnce() {
    searchAnswers("ibkr/secdef-search-aapl.json");
    stub(SNAPSHOT, "ibkr/snapshot-aapl-price-only.json");
    Quote q = quote(ProviderHarness.fetch(kit, ibkr(), "AAPL"));

    assertEquals("AAPL", q.symbol(), "the symbol the conid was searched for");
    assertDecimal("203.95", q.price());
    assertNull(q.previousClose());
    assertNull(q.volume());
    assertFalse(q.delayed(), "6509 RpB: real-time");
    assertEquals(Instant.ofEpochMilli(1749478512377L), q.asOf());
    wiremock.verify(1, getRequestedFor(urlPathEqualTo(SNAPSHOT)));
  }

  @Test
  void aPriceMarkedHIsTheLastTradeBeforeTheHalt() {
    searchAnswers("ibkr/secdef-search-aapl.json");
    stub(SNAPSHOT, "ibkr/snapshot-aapl-halted.json");
    Quote q = quote(ProviderHarness.fetch(kit, ibkr(), "AAPL"));

    assertDecimal("201.10", q.price());
    assertDecimal("202.92", q.previousClose());
    assertEquals(21297418L, q.volume());
    assertFalse(q.delayed());
  }

  @Test
  void theUsListingIsChosenAmongTheSymbolsListings() {
    searchAnswers("ibkr/secdef-search-sap.json");
    wiremock.stubFor(
        get(urlPathEqualTo(SNAPSHOT))
            .willReturn(
                okJson(
                    golden("ibkr/snapshot-aapl-delayed.json")
                        .replace("265598", "4137")
                        .replace("\"AAPL\"", "\"SAP\""))));
    Quote q = quote(ProviderHarness.fetch(kit, ibkr(), "SAP"));

    assertEquals("SAP", q.symbol());
    wiremock.verify(
        getRequestedFor(urlPathEqualTo(SNAPSHOT)).withQueryParam("conids", equalTo("4137")));
  }

  @Test
  void aSnapshotWithoutMarketDataPermissionsIsNotEntitled() {
    searchAnswers("ibkr/secdef-search-aapl.json");
    stub(SNAPSHOT, "ibkr/snapshot-aapl-not-subscribed.json");
    ProviderOutcome.Failed f = failed(ProviderHarness.fetch(kit, ibkr(), "AAPL"));

    assertEquals(ProviderErrorCode.NOT_ENTITLED, f.error().code(), f.error().message());
    wiremock.verify(1, getRequestedFor(urlPathEqualTo(SNAPSHOT)));
  }

  @Test
  void aLineThatNeverFillsEndsAtTheDeadline() {
    searchAnswers("ibkr/secdef-search-aapl.json");
    stub(SNAPSHOT, "ibkr/snapshot-preflight-aapl.json");
    var ibkr =
        provider("ibkr", "/v1/api", "marketgate.providers.ibkr.snapshot-poll-interval = 400ms");
    ProviderOutcome.Failed f = failed(ProviderHarness.fetch(kit, ibkr, "AAPL"));

    assertEquals(ProviderErrorCode.TIMEOUT, f.error().code(), f.error().message());
    int snapshots = wiremock.findAll(getRequestedFor(urlPathEqualTo(SNAPSHOT))).size();
    assertTrue(
        snapshots >= 3 && snapshots <= 4,
        "polled every 400 ms within the 1.5 s timeout: " + snapshots);
  }

  @Test
  void aGatewayThatWantsItsAccountsQueriedFirstGetsThatAndTheSnapshotAgain() {
    searchAnswers("ibkr/secdef-search-aapl.json");
    stub(ACCOUNTS, "ibkr/accounts.json");
    wiremock.stubFor(
        get(urlPathEqualTo(SNAPSHOT))
            .inScenario(LINE)
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(
                aResponse()
                    .withStatus(500)
                    .withHeader("Content-Type", "application/json")
                    .withBody(golden("ibkr/error-query-accounts-first.json")))
            .willSetStateTo("primed"));
    wiremock.stubFor(
        get(urlPathEqualTo(SNAPSHOT))
            .inScenario(LINE)
            .whenScenarioStateIs("primed")
            .willReturn(okJson(golden("ibkr/snapshot-aapl-delayed.json"))));
    Quote q = quote(ProviderHarness.fetch(kit, ibkr(), "AAPL"));

    assertDecimal("203.92", q.price());
    wiremock.verify(1, getRequestedFor(urlPathEqualTo(ACCOUNTS)));
    wiremock.verify(2, getRequestedFor(urlPathEqualTo(SNAPSHOT)));
  }

  @ParameterizedTest(name = "{0} HTTP {1} -> {2}")
  @CsvSource({
    "ibkr/error-not-authenticated.json, 401, UNAUTHORIZED",
    "ibkr/error-no-bridge.json, 400, UNAUTHORIZED",
    "ibkr/error-rate-limit.html, 429, RATE_LIMIT",
    "ibkr/error-internal.json, 500, NETWORK_ERROR",
    "ibkr/error-rate-limit.html, 503, NETWORK_ERROR",
    "ibkr/error-internal.json, 200, INVALID_RESPONSE",
    "ibkr/empty.json, 200, NOT_FOUND",
    "ibkr/error-no-symbol-found.json, 200, NOT_FOUND",
    "ibkr/error-no-symbol-found.json, 500, NOT_FOUND",
  })
  void errorBodiesMapToTheirCodes(String file, int status, ProviderErrorCode code) {
    wiremock.stubFor(
        get(urlPathEqualTo(SEARCH))
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/json")
                    .withBody(golden(file))));
    ProviderOutcome.Failed f = failed(ProviderHarness.fetch(kit, ibkr(), "AAPL"));
    assertEquals(code, f.error().code(), f.error().message());
    assertEquals("ibkr", f.error().provider());
  }

  @ParameterizedTest(name = "{0} HTTP {1}")
  @CsvSource({"ibkr/error-not-authenticated.json, 401", "ibkr/error-no-bridge.json, 400"})
  void aGatewayWithoutASessionSaysToLogIn(String file, int status) {
    searchAnswers("ibkr/secdef-search-aapl.json");
    wiremock.stubFor(
        get(urlPathEqualTo(SNAPSHOT))
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/json")
                    .withBody(golden(file))));
    ProviderOutcome.Failed f = failed(ProviderHarness.fetch(kit, ibkr(), "AAPL"));
    assertEquals(ProviderErrorCode.UNAUTHORIZED, f.error().code());
    assertTrue(f.error().message().contains("log in to the gateway"), f.error().message());
  }

  // ---------------------------------------------------------------- the gateway's self-signed
  // HTTPS

  @Test
  void overHttpsTheGatewaysSelfSignedCertificateIsTrustedOnlyWhenAllowed() {
    WireMockServer https =
        new WireMockServer(WireMockConfiguration.options().httpDisabled(true).dynamicHttpsPort());
    https.start();
    try {
      https.stubFor(
          get(urlPathEqualTo(SEARCH)).willReturn(okJson(golden("ibkr/secdef-search-aapl.json"))));
      https.stubFor(
          get(urlPathEqualTo(SNAPSHOT))
              .willReturn(okJson(golden("ibkr/snapshot-aapl-realtime.json"))));
      String base = "https://localhost:" + https.httpsPort() + "/v1/api";

      var trusting =
          ProviderHarness.spawn(
              kit,
              ProviderHarness.settings(
                  "ibkr", base, "marketgate.providers.ibkr.trust-self-signed = on"));
      // The JVM's first TLS handshake (key generation, cipher set-up on both sides) may outlast one
      // attempt.
      Eventually.await(
          Duration.ofSeconds(20),
          "a quote over the gateway's HTTPS",
          () ->
              ProviderHarness.fetch(kit, trusting, "AAPL") instanceof ProviderOutcome.Fetched f
                  && ((Quote) f.record()).price() != null);
      assertDecimal("202.67", quote(ProviderHarness.fetch(kit, trusting, "AAPL")).price());
      int searches = https.findAll(getRequestedFor(urlPathEqualTo(SEARCH))).size();

      var strict = ProviderHarness.spawn(kit, ProviderHarness.settings("ibkr", base, ""));
      assertEquals(
          ProviderErrorCode.NETWORK_ERROR,
          failed(ProviderHarness.fetch(kit, strict, "AAPL")).error().code());
      assertEquals(
          searches,
          https.findAll(getRequestedFor(urlPathEqualTo(SEARCH))).size(),
          "the strict client never got through");
    } finally {
      https.stop();
    }
  }

  @Test
  void trustingSelfSignedCertificatesIsRefusedForAHostOtherThanLoopback() {
    var refused =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ProviderHarness.settings(
                    "ibkr",
                    "https://gateway.example.com:5000/v1/api",
                    "marketgate.providers.ibkr.trust-self-signed = on"));
    assertTrue(refused.getMessage().contains("IBKR_TRUST_SELF_SIGNED"), refused.getMessage());
    assertTrue(refused.getMessage().contains("gateway.example.com"), refused.getMessage());

    var fromEnvironment =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                GatewaySettings.fromConfig(
                    ConfigFactory.parseMap(
                            Map.of(
                                "IBKR_BASE_URL",
                                "https://10.1.2.3:5000/v1/api",
                                "IBKR_TRUST_SELF_SIGNED",
                                "on"))
                        .withFallback(ConfigFactory.parseResources("application.conf"))
                        .resolve()));
    assertTrue(
        fromEnvironment.getMessage().contains("IBKR_TRUST_SELF_SIGNED"),
        fromEnvironment.getMessage());

    for (String loopback :
        new String[] {
          "https://localhost:5000/v1/api",
          "https://127.0.0.1:5000/v1/api",
          "https://[::1]:5000/v1/api"
        }) {
      assertTrue(
          ProviderHarness.settings(
                  "ibkr", loopback, "marketgate.providers.ibkr.trust-self-signed = on")
              .adapter()
              .trustSelfSigned(),
          loopback);
    }
  }
}
