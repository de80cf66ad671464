package io.marketgate.app.provider;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.sim.Fault;
import io.marketgate.app.sim.SimulatedMarket;
import io.marketgate.app.testkit.Eventually;
import io.marketgate.app.testkit.FreePorts;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.TestNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Alpha Vantage's rate limits on a running node over real HTTP, against the built-in simulator: its
 * answers are all HTTP 200, so a {@code Note} or an {@code Information} must be read as a refusal,
 * not data. The request falls back to FMP, the key rests for as long as Alpha Vantage says (a
 * minute; until the next UTC midnight for the daily limit), the other key serves, and nothing of
 * the refusal is cached. Each test has a node of its own, as resting keys outlast it.
 */
@ExtendWith(LogCapturingExtension.class)
class AlphaVantageRateLimitTest {
  private static final String AV = "alphavantage";
  private TestNode node;

  @BeforeEach
  void start() {
    int simulatorPort = FreePorts.next();
    node =
        TestNode.start(
            String.join(
                "\n",
                "marketgate.simulator.mode = on",
                "marketgate.simulator.port = " + simulatorPort,
                "marketgate.simulator.providers = all",
                // A provider with keys of its own is not one the simulator stands in for: point it
                // there.
                "marketgate.providers.alphavantage.base-url = \"http://127.0.0.1:"
                    + simulatorPort
                    + "/alphavantage\"",
                "marketgate.providers.alphavantage.api-key = \"av-key-one-0001,av-key-two-0002\"",
                "marketgate.datasets.quote = [alphavantage, fmp]"));
    // The first call of a cold node may miss its deadline on a busy machine; the tests start warm.
    int[] n = {0};
    Eventually.await(
        Duration.ofSeconds(20),
        "Alpha Vantage to answer",
        () -> quote("AVW" + (char) ('A' + n[0]++)).get("provider_used").asText().equals(AV));
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private JsonNode quote(String symbol, String... headers) {
    Http.Answer answer = Http.get(node.url("/api/v1/quotes/" + symbol), headers);
    assertEquals(200, answer.status(), answer.body());
    return answer.json();
  }

  /** Alpha Vantage's keys by their masked form ({@code ****0001}). */
  private Map<String, JsonNode> keys() {
    Map<String, JsonNode> byKey = new HashMap<>();
    for (JsonNode p : node.adminGet("/api/v1/api-keys").json().get("providers")) {
      if (p.get("provider").asText().equals(AV)) {
        assertFalse(p.get("simulated").asBoolean(), "configured with keys of its own");
        for (JsonNode k : p.get("keys")) byKey.put(k.get("key").asText(), k);
      }
    }
    assertEquals(List.of("****0001", "****0002"), byKey.keySet().stream().sorted().toList());
    return byKey;
  }

  private static long uses(Map<String, JsonNode> keys, String key) {
    return keys.get(key).get("uses").asLong();
  }

  private static JsonNode cooling(Map<String, JsonNode> keys) {
    List<JsonNode> cooling =
        keys.values().stream().filter(k -> k.get("state").asText().equals("cooling")).toList();
    assertEquals(1, cooling.size(), keys.toString());
    return cooling.get(0);
  }

  private static void assertFellBackToFmp(JsonNode answer) {
    assertEquals("fmp_fallback", answer.get("provider_used").asText(), answer.toString());
    assertFalse(answer.get("cached").asBoolean());
    JsonNode error = answer.at("/metadata/errors/0");
    assertEquals(AV, error.get("provider").asText());
    assertEquals("RATE_LIMIT", error.get("code").asText());
    assertDecimal(
        SimulatedMarket.quote(answer.get("symbol").asText()).price().toPlainString(),
        answer.at("/data/price"));
  }

  private static void assertDecimal(String expected, JsonNode actual) {
    assertEquals(
        0,
        new java.math.BigDecimal(expected).compareTo(actual.decimalValue()),
        "expected " + expected + " got " + actual);
  }

  @Test
  void aNoteFallsBackRestsTheKeyForAMinuteAndTheOtherKeyServes() {
    node.simulator().reset();
    node.simulator().setFault(AV, Fault.of(Fault.Mode.RATE_LIMIT).times(1));
    Map<String, JsonNode> before = keys();
    long sent = System.currentTimeMillis();
    JsonNode refused = quote("AVNA");
    assertFellBackToFmp(refused);
    assertTrue(
        refused.at("/metadata/errors/0/message").asText().contains("call frequency"),
        refused.toString());
    assertEquals(1, node.simulator().callsOf(AV).size());
    assertEquals(
        200,
        node.simulator().callsOf(AV).get(0).status(),
        "Alpha Vantage's Note comes with status 200");

    Map<String, JsonNode> keys = keys();
    JsonNode resting = cooling(keys);
    assertEquals(1, resting.get("rate_limited").asLong());
    long restsUntil = Instant.parse(resting.get("cooling_until").asText()).toEpochMilli();
    assertTrue(
        restsUntil >= sent + 59_000 && restsUntil <= System.currentTimeMillis() + 60_000,
        "rests a minute: " + resting);
    String restingKey = resting.get("key").asText();
    String otherKey = restingKey.equals("****0001") ? "****0002" : "****0001";
    assertEquals("active", keys.get(otherKey).get("state").asText());

    JsonNode served = quote("AVNB");
    assertEquals(AV, served.get("provider_used").asText(), served.toString());
    assertDecimal(SimulatedMarket.quote("AVNB").price().toPlainString(), served.at("/data/price"));
    Map<String, JsonNode> after = keys();
    assertEquals(uses(before, otherKey) + 1, uses(after, otherKey), "the other key served");
    assertEquals(
        uses(before, restingKey) + 1,
        uses(after, restingKey),
        "the resting key was used for the Note only");

    // What was cached for AVNA is FMP's quote, not the Note; asked afresh, Alpha Vantage is called
    // again.
    JsonNode cached = quote("AVNA");
    assertTrue(cached.get("cached").asBoolean());
    assertEquals("fmp", cached.get("source").asText(), cached.toString());
    assertDecimal(SimulatedMarket.quote("AVNA").price().toPlainString(), cached.at("/data/price"));
    JsonNode fresh = quote("AVNA", "Cache-Control", "no-cache");
    assertFalse(fresh.get("cached").asBoolean());
    assertEquals(AV, fresh.get("provider_used").asText(), fresh.toString());
    assertEquals(3, node.simulator().callsOf(AV).size());
  }

  @Test
  void theDailyLimitRestsTheKeyUntilTheNextUtcMidnight() {
    node.simulator().reset();
    node.simulator().setFault(AV, Fault.of(Fault.Mode.DAILY_LIMIT).times(1));
    Instant before = Instant.now();
    JsonNode refused = quote("AVND");
    Instant after = Instant.now();
    assertFellBackToFmp(refused);
    assertTrue(
        refused.at("/metadata/errors/0/message").asText().contains("25 requests per day"),
        refused.toString());

    JsonNode resting = cooling(keys());
    Instant restsUntil = Instant.parse(resting.get("cooling_until").asText());
    List<Instant> midnights = List.of(nextUtcMidnight(before), nextUtcMidnight(after));
    assertTrue(
        midnights.stream().anyMatch(m -> Duration.between(restsUntil, m).abs().toMillis() < 2000),
        "rests until " + restsUntil + ", not the next UTC midnight " + midnights);

    JsonNode served = quote("AVNE");
    assertEquals(AV, served.get("provider_used").asText(), "the other key serves: " + served);
    assertEquals(2, node.simulator().callsOf(AV).size());
  }

  private static Instant nextUtcMidnight(Instant t) {
    return LocalDate.ofInstant(t, ZoneOffset.UTC)
        .plusDays(1)
        .atStartOfDay(ZoneOffset.UTC)
        .toInstant();
  }
}
