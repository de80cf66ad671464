package io.marketgate.app.caller;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.testkit.Eventually;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.MetricsScrape;
import io.marketgate.app.testkit.RawHttp;
import io.marketgate.app.testkit.TestNode;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rights profiles with the shipped defaults over real HTTP: the pre-flight check (403, audited,
 * counted, nothing fetched), keys (401), admin-only operations, freshness bounds per tier, and
 * hostile input that must end in a 4xx without reaching a provider.
 */
@ExtendWith(LogCapturingExtension.class)
class RightsTest {
  static final String BASIC = "rights-basic-key-00000001";
  static final String PREMIUM = "rights-premium-key-000002";
  private static TestNode open;
  private static TestNode closed;

  @BeforeAll
  static void start() {
    String clients =
        "marketgate.security.clients = \""
            + BASIC
            + "=basic,"
            + PREMIUM
            + "=premium\"\n"
            + "marketgate.security.profiles.premium.rate-limit = 6000\n";
    open = TestNode.start(clients + "marketgate.security.anonymous-profile = basic");
    closed = TestNode.start(clients + "marketgate.security.anonymous-profile = none");
  }

  @AfterAll
  static void stop() {
    if (closed != null) closed.close();
    if (open != null) open.close();
  }

  private static long polygonCalls(TestNode node) {
    return node.simulator().calls().count("polygon");
  }

  @Test
  void basicMayNotReadOptionsFlowAndNothingIsFetched() {
    long before = polygonCalls(open);
    double deniedBefore =
        MetricsScrape.fetch(
                open, "rights_denied_total", "profile", "basic", "dataset", "options_flow")
            .orElse(0.0);

    Http.Answer denied = Http.get(open.url("/api/v1/options-flow/AAPL"), "X-API-Key", BASIC);
    assertEquals(403, denied.status(), denied.body());
    assertEquals("application/problem+json", denied.header("Content-Type"));
    assertEquals("/problems/forbidden", denied.json().get("type").asText());
    assertEquals(before, polygonCalls(open), "no provider was called");
    assertEquals(
        403,
        Http.get(open.url("/api/v1/options-flow/AAPL")).status(),
        "anonymous callers are basic here");

    Eventually.await(
        Duration.ofSeconds(10),
        "two denial rows",
        () -> {
          JsonNode events =
              open.adminGet("/api/v1/audit?action=options_flow&allowed=false").json().get("events");
          return events.size() == 2;
        });
    JsonNode event =
        open.adminGet("/api/v1/audit?action=options_flow&allowed=false")
            .json()
            .get("events")
            .get(1);
    assertEquals("basic", event.get("rights_profile").asText());
    assertFalse(event.get("allowed").asBoolean());
    assertTrue(
        event.get("client").asText().startsWith("client-"), "a client id, never the key: " + event);
    assertNotNull(event.get("at").asText());
    Eventually.await(
        Duration.ofSeconds(5),
        "metric counted",
        () ->
            MetricsScrape.fetch(
                        open, "rights_denied_total", "profile", "basic", "dataset", "options_flow")
                    .orElse(0.0)
                >= deniedBefore + 2);

    Http.Answer allowed = Http.get(open.url("/api/v1/options-flow/AAPL"), "X-API-Key", PREMIUM);
    assertEquals(200, allowed.status(), allowed.body());
    assertEquals(before + 1, polygonCalls(open));
  }

  @Test
  void keysAreCheckedBeforeAnythingRuns() {
    Http.Answer unknown =
        Http.get(open.url("/api/v1/quotes/AAPL"), "X-API-Key", "no-such-key-000000000");
    assertEquals(401, unknown.status());
    assertEquals("ApiKey", unknown.header("WWW-Authenticate"));
    assertEquals(
        401,
        Http.get(closed.url("/api/v1/quotes/AAPL")).status(),
        "no key while anonymous callers are refused");
    assertEquals(200, Http.get(closed.url("/api/v1/quotes/AAPL"), "X-API-Key", BASIC).status());
    assertEquals(
        200,
        Http.get(open.url("/api/v1/quotes/AAPL")).status(),
        "anonymous callers get the configured profile");
  }

  @Test
  void everyOperationsEndpointNeedsAnAdmin() {
    List<String> gets =
        List.of(
            "/api/v1/providers",
            "/api/v1/circuit-breakers",
            "/api/v1/dlq",
            "/api/v1/audit",
            "/api/v1/telemetry",
            "/api/v1/api-keys",
            "/api/v1/cluster");
    for (String path : gets) {
      assertEquals(401, Http.get(closed.url(path)).status(), path);
      assertEquals(403, Http.get(open.url(path)).status(), "anonymous basic " + path);
      assertEquals(403, Http.get(open.url(path), "X-API-Key", PREMIUM).status(), "premium " + path);
      assertEquals(200, open.adminGet(path).status(), "admin " + path);
    }
    assertEquals(
        403,
        Http.post(open.url("/api/v1/circuit-breakers/fmp/reset"), "", "X-API-Key", PREMIUM)
            .status());
    assertEquals(
        401, Http.post(closed.url("/api/v1/dlq/0123456789abcdef0123/replay"), "").status());
    assertEquals(200, open.adminPost("/api/v1/circuit-breakers/fmp/reset", "").status());
    Eventually.await(
        Duration.ofSeconds(10),
        "the reset and the denials are audited",
        () ->
            open.adminGet("/api/v1/audit?action=circuit_breaker_reset").json().get("total").asInt()
                    >= 1
                && open.adminGet("/api/v1/audit?action=operations&allowed=false")
                        .json()
                        .get("total")
                        .asInt()
                    >= 7);
  }

  @Test
  void aTierBoundsHowFreshItMayAsk() {
    assertEquals(200, Http.get(open.url("/api/v1/quotes/FRSH"), "X-API-Key", PREMIUM).status());
    long calls = open.simulator().calls().count("fmp");
    Http.Answer basic =
        Http.get(open.url("/api/v1/quotes/FRSH"), "X-API-Key", BASIC, "Cache-Control", "no-cache");
    assertTrue(
        basic.json().get("cached").asBoolean(), "basic may not force a fetch (min max-age 60 s)");
    assertEquals(calls, open.simulator().calls().count("fmp"));
    Http.Answer premium =
        Http.get(
            open.url("/api/v1/quotes/FRSH"), "X-API-Key", PREMIUM, "Cache-Control", "no-cache");
    assertFalse(premium.json().get("cached").asBoolean(), "premium may");
    assertEquals(calls + 1, open.simulator().calls().count("fmp"));
  }

  @Test
  void hostileInputIsA4xxAndReachesNoProvider() {
    long before = open.simulator().calls().total();
    int port = open.node().http().getPort();
    String huge = "k".repeat(20_000);
    assertClientError(
        Http.get(open.url("/api/v1/quotes/AAPL"), "X-API-Key", huge).status(), "a 20 KB key");
    assertClientError(
        RawHttp.get(port, "/api/v1/quotes/AAPL", "X-API-Key: " + BASIC, "X-API-Key: " + PREMIUM)
            .status(),
        "two keys");
    assertClientError(
        RawHttp.get(port, "/api/v1/quotes/AAPL", "X-API-Key: schl\u00fcssel-\u65e5\u672c-000000")
            .status(),
        "non-ASCII key");
    assertClientError(
        RawHttp.get(port, "/api/v1/quotes/AAPL", "X-API-Key: " + "a\tb ".repeat(10)).status(),
        "control characters");
    for (String target :
        List.of(
            "/api/v1/quotes/..%2F..%2Fetc%2Fpasswd",
            "/api/v1/quotes/%2e%2e",
            "/api/v1/../../etc/passwd",
            "/api/v1/options-flow/%00",
            "/api/v1/economic/GDP%0d%0aX-Injected:%201",
            "/api/v1/search?q=%ff%fe")) {
      assertClientError(RawHttp.get(port, target, "X-API-Key: " + PREMIUM).status(), target);
    }
    String big = "{\"symbols\":[" + "\"AAPL\",".repeat(200_000) + "\"AAPL\"]}";
    assertClientError(
        Http.post(open.url("/api/v1/quotes/batch"), big, "X-API-Key", PREMIUM).status(),
        "a 1.4 MB batch body");
    JsonNode controlCharacter =
        Http.post(
                open.url("/api/v1/quotes/batch"),
                "{\"symbols\":[\"\\u0000\"]}",
                "X-API-Key",
                PREMIUM)
            .json();
    assertEquals(
        400,
        controlCharacter.at("/results/0/status").asInt(),
        "a bad symbol inside a batch is its own 400");
    assertEquals(before, open.simulator().calls().total(), "no provider call");
  }

  private static void assertClientError(int status, String what) {
    assertTrue(status >= 400 && status < 500, what + " -> " + status);
  }
}
