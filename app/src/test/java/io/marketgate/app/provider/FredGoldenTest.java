package io.marketgate.app.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.app.json.Json;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.data.EconomicSeries;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Recorded FRED {@code series/observations} bodies served over real HTTP: the request sent, the
 * observations oldest first with FRED's missing value {@code "."} read as null, and each error.
 */
class FredGoldenTest extends GoldenTest {

  private ActorRef<ProviderActor.Command> fred() {
    return provider("fred", "", "");
  }

  private static EconomicSeries series(ProviderOutcome outcome) {
    return roundTripped(outcome, "fred", EconomicSeries.class);
  }

  private static void assertObservation(String date, String value, EconomicSeries.Observation o) {
    assertEquals(LocalDate.parse(date), o.date());
    if (value == null) {
      assertNull(o.value(), "missing value on " + date);
    } else {
      assertNotNull(o.value(), "value on " + date);
      assertEquals(
          0,
          new BigDecimal(value).compareTo(o.value()),
          date + ": expected " + value + " got " + o.value());
    }
  }

  @Test
  void documentedAnnualSeries() {
    wiremock.stubFor(
        get(urlPathEqualTo("/series/observations"))
            .willReturn(okJson(golden("fred/series-observations-gnpca.json"))));
    EconomicSeries s =
        series(ProviderHarness.fetch(kit, fred(), FetchKey.of(Dataset.ECONOMIC, "GNPCA")));

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/series/observations"))
            .withQueryParam("series_id", equalTo("GNPCA"))
            .withQueryParam("api_key", equalTo("golden-key-1234"))
            .withQueryParam("file_type", equalTo("json"))
            .withQueryParam("sort_order", equalTo("desc"))
            .withQueryParam("limit", equalTo("120")));
    assertEquals("GNPCA", s.seriesId());
    assertEquals("lin", s.units());
    assertEquals(5, s.observations().size());
    assertObservation("1929-01-01", "1065.9", s.observations().get(0));
    assertObservation("1930-01-01", "975.5", s.observations().get(1));
    assertObservation("1931-01-01", "912.1", s.observations().get(2));
    assertObservation("1932-01-01", "794.1", s.observations().get(3));
    assertObservation("1933-01-01", "783.3", s.observations().get(4));
  }

  @Test
  void dailySeriesWithHolidaysReadsDotAsMissing() {
    wiremock.stubFor(
        get(urlPathEqualTo("/series/observations"))
            .willReturn(okJson(golden("fred/series-observations-t10yff.json"))));
    EconomicSeries s =
        series(ProviderHarness.fetch(kit, fred(), FetchKey.of(Dataset.ECONOMIC, "T10YFF")));

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/series/observations"))
            .withQueryParam("series_id", equalTo("T10YFF")));
    assertEquals("T10YFF", s.seriesId());
    assertEquals("lin", s.units());
    List<EconomicSeries.Observation> o = s.observations();
    assertEquals(12, o.size());
    assertObservation("2023-01-02", null, o.get(0));
    assertObservation("2023-01-03", "-0.54", o.get(1));
    assertObservation("2023-01-04", "-0.64", o.get(2));
    assertObservation("2023-01-05", "-0.62", o.get(3));
    assertObservation("2023-01-06", "-0.78", o.get(4));
    assertObservation("2023-01-09", "-0.8", o.get(5));
    assertObservation("2023-01-13", "-0.84", o.get(9));
    assertObservation("2023-01-16", null, o.get(10));
    assertObservation("2023-01-17", "-0.8", o.get(11));
  }

  @Test
  void missingValueIsEncodedAsNull() {
    wiremock.stubFor(
        get(urlPathEqualTo("/series/observations"))
            .willReturn(okJson(golden("fred/series-observations-t10yff.json"))));
    var outcome = ProviderHarness.fetch(kit, fred(), FetchKey.of(Dataset.ECONOMIC, "T10YFF"));
    var encoded = Json.parse(assertInstanceOf(ProviderOutcome.Fetched.class, outcome).data());
    assertEquals("T10YFF", encoded.path("series_id").asText());
    assertTrue(encoded.path("observations").path(0).path("value").isNull());
    assertEquals("2023-01-02", encoded.path("observations").path(0).path("date").asText());
  }

  @Test
  void observationsComeBackOldestFirstWhateverTheOrderOfTheAnswer() {
    // The adapter asks for sort_order=desc; the documented answer above is ascending. Serve the
    // recorded observations newest first, as a desc answer lists them.
    var body =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            Json.parse(
                golden("fred/series-observations-gnpca.json").getBytes(StandardCharsets.UTF_8));
    var observations = (com.fasterxml.jackson.databind.node.ArrayNode) body.get("observations");
    var reversed = Json.mapper().createArrayNode();
    for (int i = observations.size() - 1; i >= 0; i--) reversed.add(observations.get(i));
    body.set("observations", reversed);
    body.put("sort_order", "desc");
    wiremock.stubFor(
        get(urlPathEqualTo("/series/observations")).willReturn(okJson(body.toString())));
    EconomicSeries s =
        series(ProviderHarness.fetch(kit, fred(), FetchKey.of(Dataset.ECONOMIC, "GNPCA")));
    assertEquals(
        List.of("1929-01-01", "1930-01-01", "1931-01-01", "1932-01-01", "1933-01-01"),
        s.observations().stream().map(o -> o.date().toString()).toList());
  }

  @ParameterizedTest(name = "{0} HTTP {1} -> {2}")
  @CsvSource({
    "fred/error-series-does-not-exist.json, 400, NOT_FOUND",
    "fred/error-invalid-series-id.json, 400, NOT_FOUND",
    "fred/error-api-key-not-registered.json, 400, UNAUTHORIZED",
    "fred/error-api-key-not-registered.json, 403, UNAUTHORIZED",
  })
  void errorBodiesMapToTheirCodes(String file, int status, ProviderErrorCode code) {
    wiremock.stubFor(
        get(urlPathEqualTo("/series/observations"))
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/json; charset=UTF-8")
                    .withBody(golden(file))));
    var outcome = ProviderHarness.fetch(kit, fred(), FetchKey.of(Dataset.ECONOMIC, "NOSUCHSERIES"));
    ProviderOutcome.Failed failed = assertInstanceOf(ProviderOutcome.Failed.class, outcome);
    assertEquals(code, failed.error().code(), failed.error().message());
    assertEquals("fred", failed.error().provider());
    assertFalse(failed.error().message().contains("golden-key-1234"), "no key in the message");
  }

  @Test
  void tooManyRequestsIsRateLimit() {
    // FRED documents 429 Too Many Requests but no body for it; the status alone decides.
    wiremock.stubFor(
        get(urlPathEqualTo("/series/observations")).willReturn(aResponse().withStatus(429)));
    var outcome = ProviderHarness.fetch(kit, fred(), FetchKey.of(Dataset.ECONOMIC, "GNPCA"));
    assertEquals(
        ProviderErrorCode.RATE_LIMIT,
        assertInstanceOf(ProviderOutcome.Failed.class, outcome).error().code());
  }

  @Test
  void answerWithoutObservationsIsInvalid() {
    // A /fred/series answer (metadata, no observations) where observations were expected.
    wiremock.stubFor(
        get(urlPathEqualTo("/series/observations"))
            .willReturn(
                okJson(
                    "{\"realtime_start\": \"2013-08-14\", \"realtime_end\": \"2013-08-14\", \"seriess\": []}")));
    var outcome = ProviderHarness.fetch(kit, fred(), FetchKey.of(Dataset.ECONOMIC, "GNPCA"));
    assertEquals(
        ProviderErrorCode.INVALID_RESPONSE,
        assertInstanceOf(ProviderOutcome.Failed.class, outcome).error().code());
  }
}
