package io.marketgate.app.provider;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.sim.Fault;
import io.marketgate.app.testkit.Eventually;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.MetricsScrape;
import io.marketgate.app.testkit.NodeExtension;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Over real HTTP with the default breaker settings (probe 5 s, cap 60 s): a 10 s outage of every
 * quote provider opens the breakers; soon after the providers recover, a cold symbol is answered
 * fresh again (the generous bound here; the measured figure is in docs/BENCHMARKS.md, "recovery").
 */
@ExtendWith(LogCapturingExtension.class)
class BreakerRecoveryTest {
  @RegisterExtension
  static final NodeExtension node = NodeExtension.with().warmedWith("RWARM").resettingSimulator();

  private final AtomicInteger cold = new AtomicInteger();

  private Http.Answer coldQuote() {
    return Http.get(node.url("/api/v1/quotes/RCOLD" + cold.incrementAndGet()));
  }

  @Test
  void aColdSymbolIsFreshSoonAfterTheProvidersRecoverFromATenSecondOutage() {
    node.simulator().setFault("fmp", Fault.of(Fault.Mode.UNAVAILABLE));
    node.simulator().setFault("polygon", Fault.of(Fault.Mode.UNAVAILABLE));
    long outageEnd = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < outageEnd) {
      assertEquals(503, coldQuote().status(), "nothing to serve for a cold symbol");
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    }
    JsonNode breakers = node.adminGet("/api/v1/circuit-breakers").json();
    assertTrue(
        breakers.toString().contains("\"open\"") || breakers.toString().contains("half_open"),
        "the outage opened the breakers: " + breakers);
    Eventually.await(
        Duration.ofSeconds(5),
        "circuit_breaker_not_closed_seconds counts the outage",
        () ->
            MetricsScrape.fetch(node, "circuit_breaker_not_closed_seconds", "provider", "fmp")
                    .orElse(0.0)
                >= 5);
    long callsDuringOutage = node.simulator().calls().count("fmp");
    assertTrue(
        callsDuringOutage <= 5,
        "3 to open the breaker, then one trial per open period: " + callsDuringOutage);

    node.simulator().reset();
    long recovered = System.nanoTime();
    Eventually.await(
        Duration.ofSeconds(12),
        "a cold symbol answered 200 and fresh after the recovery",
        () -> {
          Http.Answer a = coldQuote();
          return a.status() == 200 && !a.json().get("stale").asBoolean();
        });
    long seconds = (System.nanoTime() - recovered) / 1_000_000_000;
    System.out.println(
        "RECOVERY a cold symbol fresh " + seconds + " s after the providers recovered");
    Eventually.await(
        Duration.ofSeconds(5),
        "circuit_breaker_not_closed_seconds back to 0",
        () ->
            MetricsScrape.fetch(node, "circuit_breaker_not_closed_seconds", "provider", "fmp")
                    .orElse(-1.0)
                == 0);
  }
}
