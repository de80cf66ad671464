package io.marketgate.app.provider;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.sim.Fault;
import io.marketgate.app.testkit.Eventually;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.MetricsScrape;
import io.marketgate.app.testkit.NodeExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Circuit breakers, fallback, stale answers and deadlines over real HTTP. */
@ExtendWith(LogCapturingExtension.class)
class ResilienceTest {
  @RegisterExtension
  static final NodeExtension node =
      NodeExtension.with(
          "marketgate.providers.fmp.circuit-breaker.probe-interval-seconds = 3\n"
              + "marketgate.providers.fmp.circuit-breaker.timeout-seconds = 3\n"
              + "marketgate.providers.polygon.circuit-breaker.probe-interval-seconds = 3\n"
              + "marketgate.providers.polygon.circuit-breaker.timeout-seconds = 3\n");

  private static int symbolCounter;

  @BeforeEach
  void healthyProviders() {
    node.simulator().reset();
    for (String p : List.of("fmp", "polygon")) {
      assertEquals(200, node.adminPost("/api/v1/circuit-breakers/" + p + "/reset", "").status());
    }
  }

  private static String coldSymbol() {
    return "COLD" + (++symbolCounter);
  }

  private static JsonNode quote(String symbol, int expectedStatus) {
    Http.Answer a = Http.get(node.url("/api/v1/quotes/" + symbol));
    assertEquals(expectedStatus, a.status(), a.body());
    return a.json();
  }

  private static long fmpCalls() {
    return node.simulator().calls().count("fmp");
  }

  private static String breakerState(String provider) {
    for (JsonNode b : node.adminGet("/api/v1/circuit-breakers").json().get("circuit_breakers")) {
      if (b.get("provider").asText().equals(provider)) return b.get("state").asText();
    }
    throw new AssertionError("no breaker for " + provider);
  }

  @Test
  void threeFailuresOpenTheBreakerThenAHalfOpenTrialClosesIt() {
    node.simulator().setFault("fmp", Fault.of(Fault.Mode.UNAVAILABLE));
    for (int i = 0; i < 3; i++) {
      JsonNode answer = quote(coldSymbol(), 200);
      assertEquals("polygon_fallback", answer.get("provider_used").asText());
      assertEquals("NETWORK_ERROR", answer.at("/metadata/errors/0/code").asText());
    }
    assertEquals(3, fmpCalls());
    assertEquals("open", breakerState("fmp"));

    JsonNode fourth = quote(coldSymbol(), 200);
    assertEquals(3, fmpCalls(), "an open breaker sends nothing to FMP");
    assertEquals("polygon_fallback", fourth.get("provider_used").asText());
    assertTrue(fourth.at("/metadata/circuit_breaker_triggered").asBoolean());
    assertEquals("CIRCUIT_OPEN", fourth.at("/metadata/errors/0/code").asText());
    Eventually.await(
        Duration.ofSeconds(10),
        "breaker gauge 1",
        () ->
            MetricsScrape.fetch(node, "circuit_breaker_state", "provider", "fmp")
                .equals(Optional.of(1.0)));

    node.simulator().setFault("fmp", Fault.NONE);
    Eventually.await(
        Duration.ofSeconds(5),
        "half-open after the reset timeout",
        () -> breakerState("fmp").equals("half_open"));
    JsonNode trial = quote(coldSymbol(), 200);
    assertEquals(4, fmpCalls(), "the half-open breaker lets one trial call through");
    assertEquals("fmp", trial.get("provider_used").asText());
    assertEquals("closed", breakerState("fmp"));
    Eventually.await(
        Duration.ofSeconds(10),
        "breaker gauge 0",
        () ->
            MetricsScrape.fetch(node, "circuit_breaker_state", "provider", "fmp")
                .equals(Optional.of(0.0)));
    assertTrue(
        MetricsScrape.fetch(
                    node, "circuit_breaker_state_changes_total", "provider", "fmp", "state", "open")
                .orElse(0.0)
            >= 1);
    assertTrue(
        MetricsScrape.fetch(
                    node,
                    "provider_requests_total",
                    "provider",
                    "fmp",
                    "endpoint",
                    "quote",
                    "status",
                    "network_error")
                .orElse(0.0)
            >= 3);
    assertTrue(
        MetricsScrape.fetch(
                    node, "provider_errors_total", "provider", "fmp", "code", "CIRCUIT_OPEN")
                .orElse(0.0)
            >= 1);
  }

  @Test
  void theResetEndpointClosesAnOpenBreakerAtOnce() {
    node.simulator().setFault("fmp", Fault.of(Fault.Mode.UNAVAILABLE));
    for (int i = 0; i < 3; i++) quote(coldSymbol(), 200);
    assertEquals("open", breakerState("fmp"));

    node.simulator().setFault("fmp", Fault.NONE);
    JsonNode reset = node.adminPost("/api/v1/circuit-breakers/fmp/reset", "").json();
    assertEquals("closed", reset.get("state").asText());
    assertEquals("fmp", quote(coldSymbol(), 200).get("provider_used").asText());
    assertEquals(4, fmpCalls());
  }

  @Test
  void everyProviderFailingServesTheLastValueStaleOrListsEachError() {
    String cached = coldSymbol();
    JsonNode fresh = quote(cached, 200);
    node.simulator().setFault("fmp", Fault.of(Fault.Mode.UNAVAILABLE));
    node.simulator().setFault("polygon", Fault.of(Fault.Mode.INVALID_PRICE));

    Http.Answer stale =
        Http.get(node.url("/api/v1/quotes/" + cached), "Cache-Control", "max-age=0");
    assertEquals(200, stale.status());
    assertEquals("true", stale.header("X-Data-Stale"));
    assertEquals("cache", stale.header("X-Data-Source"));
    assertTrue(stale.json().get("stale").asBoolean());
    assertEquals(fresh.get("data"), stale.json().get("data"));

    Http.Answer none = Http.get(node.url("/api/v1/quotes/" + coldSymbol()));
    assertEquals(503, none.status());
    assertEquals("application/problem+json", none.header("Content-Type"));
    JsonNode errors = none.json().get("errors");
    assertEquals("fmp", errors.get(0).get("provider").asText());
    assertEquals("NETWORK_ERROR", errors.get(0).get("code").asText());
    assertEquals("polygon", errors.get(1).get("provider").asText());
    assertEquals("INVALID_RESPONSE", errors.get(1).get("code").asText());
  }

  @Test
  void aHangingPrimaryLeavesTimeForTheFallbackWithinTheDeadline() {
    node.simulator().setFault("fmp", Fault.of(Fault.Mode.HANG));
    long start = System.nanoTime();
    JsonNode answer = quote(coldSymbol(), 200);
    long tookMillis = (System.nanoTime() - start) / 1_000_000;

    assertTrue(tookMillis < 3000, "answered within the 3 s deadline, took " + tookMillis + " ms");
    assertEquals("polygon_fallback", answer.get("provider_used").asText());
    assertEquals("TIMEOUT", answer.at("/metadata/errors/0/code").asText());
  }

  @ParameterizedTest
  @EnumSource(names = {"MALFORMED", "HTML", "ERROR_BODY", "INVALID_PRICE"})
  void invalidAnswersFailTheAttemptUseTheFallbackAndAreNeverCached(Fault.Mode mode) {
    node.simulator().setFault("fmp", Fault.of(mode));
    JsonNode fallback = quote(coldSymbol(), 200);
    assertEquals("polygon_fallback", fallback.get("provider_used").asText());
    assertEquals("INVALID_RESPONSE", fallback.at("/metadata/errors/0/code").asText());

    String symbol = coldSymbol();
    node.simulator().setFault("polygon", Fault.of(mode));
    Http.Answer failed = Http.get(node.url("/api/v1/quotes/" + symbol));
    assertEquals(503, failed.status());
    List<String> codes = new ArrayList<>();
    failed.json().get("errors").forEach(e -> codes.add(e.get("code").asText()));
    assertEquals(List.of("INVALID_RESPONSE", "INVALID_RESPONSE"), codes);

    node.simulator().reset();
    JsonNode after = quote(symbol, 200);
    assertFalse(after.get("cached").asBoolean(), "nothing invalid was cached");
    assertEquals("fmp", after.get("provider_used").asText());
    assertEquals(1, fmpCalls());
  }

  @Test
  void anUnknownSymbolIs404AndRememberedBriefly() {
    Http.Answer first = Http.get(node.url("/api/v1/quotes/ZZNOPE"));
    assertEquals(404, first.status());
    assertEquals("NOT_FOUND", first.json().at("/errors/0/code").asText());
    assertEquals(404, Http.get(node.url("/api/v1/quotes/ZZNOPE")).status());
    assertEquals(1, fmpCalls(), "the second request is answered from the negative cache");
    assertEquals("closed", breakerState("fmp"), "NOT_FOUND does not count against the provider");
  }
}
