package io.marketgate.app.datasets;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.sim.Fault;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.SharedSimulator;
import io.marketgate.app.testkit.TestNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A plan refusal (FMP 402 "Restricted Endpoint") is an entitlement problem, not a bad key and not
 * an outage: the request falls back, the breaker stays closed, and the operations view names the
 * refused endpoint. A rejected key is disabled and the provider's other key serves.
 */
@ExtendWith(LogCapturingExtension.class)
class PlanRefusalTest {
  private static SharedSimulator simulator;
  private static TestNode node;

  @BeforeAll
  static void start() {
    simulator = SharedSimulator.start();
    node =
        TestNode.start(
            simulator.providerConfig()
                + "\nmarketgate.providers.fmp.api-key = \"fmp-key-one-0001,fmp-key-two-0002\"");
  }

  @AfterAll
  static void stop() {
    node.close();
    simulator.close();
  }

  @BeforeEach
  void resetSimulator() {
    simulator.simulator().reset();
  }

  private static JsonNode fmpStatus() {
    for (JsonNode p : node.adminGet("/api/v1/providers").json().get("providers")) {
      if (p.get("name").asText().equals("fmp")) return p;
    }
    throw new AssertionError("fmp missing from /api/v1/providers");
  }

  @Test
  void aRestrictedEndpointFallsBackAndIsReportedAsNotEntitled() {
    simulator.simulator().setFault("fmp", Fault.of(Fault.Mode.NOT_ENTITLED));
    JsonNode before = fmpStatus();
    try {
      for (String symbol : new String[] {"PRA", "PRB", "PRC", "PRD", "PRE"}) {
        Http.Answer answer = Http.get(node.url("/api/v1/quotes/" + symbol));
        assertEquals(200, answer.status(), answer.body());
        JsonNode json = answer.json();
        assertEquals("polygon_fallback", json.get("provider_used").asText());
        assertEquals("fmp", json.at("/metadata/errors/0/provider").asText());
        assertEquals("NOT_ENTITLED", json.at("/metadata/errors/0/code").asText());
      }
      assertEquals(
          5,
          simulator.simulator().callsOf("fmp").size(),
          "five refusals in a row do not open the breaker");

      JsonNode fmp = fmpStatus();
      assertEquals("closed", fmp.get("circuit_state").asText());
      assertEquals(
          before.get("failures").asLong(),
          fmp.get("failures").asLong(),
          "a refusal is not a failure");
      assertEquals(before.get("plan_refusals").asLong() + 5, fmp.get("plan_refusals").asLong());
      assertTrue(
          fmp.at("/entitlement_refusals/quote").asText().startsWith("Restricted Endpoint"),
          fmp.toString());
    } finally {
      simulator.simulator().setFault("fmp", Fault.NONE);
    }
  }

  @Test
  void aRejectedKeyIsDisabledAndTheOtherKeyServes() {
    simulator.simulator().setFault("fmp", Fault.of(Fault.Mode.BAD_KEY).times(1));
    long failuresBefore = fmpStatus().get("failures").asLong();
    Http.Answer answer = Http.get(node.url("/api/v1/quotes/PRK"));
    assertEquals(200, answer.status());
    assertEquals("polygon_fallback", answer.json().get("provider_used").asText());
    assertEquals(
        "UNAUTHORIZED",
        answer.json().at("/metadata/errors/0/code").asText(),
        "a bad key, not a plan refusal");
    JsonNode fmp = fmpStatus();
    assertEquals(failuresBefore + 1, fmp.get("failures").asLong());
    List<String> states = new ArrayList<>();
    for (JsonNode k : fmp.get("keys")) {
      assertTrue(k.get("key").asText().matches("\\*\\*\\*\\*000[12]"), "masked: " + k);
      states.add(k.get("state").asText());
      if (k.get("state").asText().equals("disabled"))
        assertTrue(k.get("disabled_reason").asText().startsWith("Invalid API KEY"), k.toString());
    }
    assertEquals(List.of("active", "disabled"), states.stream().sorted().toList());

    Http.Answer next = Http.get(node.url("/api/v1/quotes/PRL"));
    assertEquals("fmp", next.json().get("provider_used").asText(), "the other key serves");

    JsonNode apiKeys = node.adminGet("/api/v1/api-keys").json().get("providers");
    JsonNode fmpKeys = null;
    for (JsonNode p : apiKeys)
      if (p.get("provider").asText().equals("fmp")) fmpKeys = p.get("keys");
    assertNotNull(fmpKeys, apiKeys.toString());
    assertEquals(2, fmpKeys.size());
    List<String> byState = new ArrayList<>();
    for (JsonNode k : fmpKeys)
      byState.add(k.get("state").asText() + " " + k.get("key").asText().substring(0, 4));
    assertEquals(
        List.of("active ****", "disabled ****"),
        byState.stream().sorted().toList(),
        "masked, one disabled");
  }
}
