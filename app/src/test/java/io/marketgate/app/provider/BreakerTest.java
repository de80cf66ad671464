package io.marketgate.app.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.junit.jupiter.api.Assertions.*;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.typesafe.config.ConfigFactory;
import io.marketgate.app.config.ProviderSettings;
import io.marketgate.app.testkit.Eventually;
import io.marketgate.persistence.quota.ProviderQuota;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.RequestOrigin;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The breaker's semantics on one node, with the breaker's clock under the test's control: open
 * after 3 failures; after the probe interval one trial call; a failed trial reopens for twice as
 * long, up to the cap; a successful one closes it. Trials draw on the quota.
 */
class BreakerTest {
  private static final Duration PROBE = Duration.ofSeconds(5);
  private WireMockServer provider;
  private ActorTestKit kit;
  private ManualTime time;

  @BeforeEach
  void start() {
    provider = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    provider.start();
    provider.stubFor(
        get(urlPathEqualTo("/stable/quote"))
            .willReturn(aResponse().withStatus(503).withBody("down")));
    kit = ActorTestKit.create(ManualTime.config().withFallback(ConfigFactory.load()));
    time = ManualTime.get(kit.system());
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
    provider.stop();
  }

  private ProviderSettings fmp() {
    return ProviderHarness.settings(
        "fmp",
        provider.baseUrl() + "/stable",
        "marketgate.providers.fmp.circuit-breaker.probe-interval-seconds = 5\n"
            + "marketgate.providers.fmp.circuit-breaker.timeout-seconds = 60");
  }

  private void recovers() {
    provider.resetAll();
    provider.stubFor(
        get(urlPathEqualTo("/stable/quote"))
            .willReturn(
                okJson(
                    "[{\"symbol\":\"COLD\",\"price\":10.5,\"dayLow\":10,\"dayHigh\":11,\"timestamp\":1738702801}]")));
  }

  private int calls() {
    return provider.findAll(getRequestedFor(urlPathEqualTo("/stable/quote"))).size();
  }

  private ProviderOutcome fetch(ActorRef<ProviderActor.Command> fmp, String symbol) {
    return ProviderHarness.fetch(kit, fmp, symbol);
  }

  private ProviderErrorCode failure(ActorRef<ProviderActor.Command> fmp) {
    return assertInstanceOf(ProviderOutcome.Failed.class, fetch(fmp, "COLD")).error().code();
  }

  private String state(ActorRef<ProviderActor.Command> fmp) {
    TestProbe<ProviderStatus> status = kit.createTestProbe();
    fmp.tell(new ProviderActor.GetStatus(status.getRef()));
    return status.receiveMessage().circuitState();
  }

  private void awaitState(ActorRef<ProviderActor.Command> fmp, String expected) {
    Eventually.await(
        Duration.ofSeconds(3), "breaker " + expected, () -> state(fmp).equals(expected));
  }

  private void openIt(ActorRef<ProviderActor.Command> fmp) {
    for (int i = 0; i < 3; i++) assertEquals(ProviderErrorCode.NETWORK_ERROR, failure(fmp));
    awaitState(fmp, "open");
    assertEquals(3, calls());
  }

  @Test
  void duringAnOutageEachOpenPeriodAdmitsOneTrialAndThePeriodsDoubleUpToTheCap() {
    ActorRef<ProviderActor.Command> fmp = ProviderHarness.spawn(kit, fmp());
    openIt(fmp);
    assertEquals(ProviderErrorCode.CIRCUIT_OPEN, failure(fmp), "open: refused without a call");
    int expectedCalls = 3;
    for (long seconds : List.of(5L, 10L, 20L, 40L, 60L, 60L, 60L)) {
      Duration period = Duration.ofSeconds(seconds);
      time.timePasses(period.minusMillis(1));
      assertEquals(ProviderErrorCode.CIRCUIT_OPEN, failure(fmp), "still open before " + period);
      time.timePasses(Duration.ofMillis(1));
      awaitState(fmp, "half_open");
      assertEquals(ProviderErrorCode.NETWORK_ERROR, failure(fmp), "the trial after " + period);
      expectedCalls++;
      awaitState(fmp, "open");
      assertEquals(ProviderErrorCode.CIRCUIT_OPEN, failure(fmp), "open again after the trial");
      assertEquals(expectedCalls, calls(), "one call per open period of " + period);
    }
  }

  @Test
  void theTrialAfterRecoveryClosesTheBreakerAndColdSymbolsAreFreshAgain() {
    ActorRef<ProviderActor.Command> fmp = ProviderHarness.spawn(kit, fmp());
    openIt(fmp);
    recovers();
    time.timePasses(PROBE);
    awaitState(fmp, "half_open");
    assertInstanceOf(ProviderOutcome.Fetched.class, fetch(fmp, "COLD"), "the trial");
    awaitState(fmp, "closed");
    assertInstanceOf(ProviderOutcome.Fetched.class, fetch(fmp, "COLD"), "closed: calls go");
  }

  @Test
  void whileTheTrialIsUnderWayOtherCallsAreRefusedWithoutAPermit() {
    provider.resetAll();
    provider.stubFor(
        get(urlPathEqualTo("/stable/quote"))
            .willReturn(aResponse().withStatus(503).withFixedDelay(500).withBody("down")));
    AtomicInteger permits = new AtomicInteger();
    ActorRef<ProviderActor.Command> fmp =
        ProviderHarness.spawn(
            kit,
            fmp(),
            ProviderRegistry.adapterFor(fmp()).orElseThrow(),
            maxWait -> {
              permits.incrementAndGet();
              return CompletableFuture.completedFuture(true);
            },
            Optional.empty());
    openIt(fmp);
    time.timePasses(PROBE);
    awaitState(fmp, "half_open");
    TestProbe<ProviderOutcome> trial = kit.createTestProbe();
    fmp.tell(
        new ProviderActor.Fetch(
            FetchKey.of(Dataset.QUOTE, "COLD"),
            Duration.ofSeconds(2),
            RequestOrigin.INTERNAL,
            trial.getRef()));
    for (int i = 0; i < 5; i++) assertEquals(ProviderErrorCode.CIRCUIT_OPEN, failure(fmp));
    trial.receiveMessage(Duration.ofSeconds(3));
    assertEquals(4, calls(), "3 to open it, then the one trial");
    assertEquals(4, permits.get(), "the refused calls took no permit");
  }

  @Test
  void trialsDrawOnTheQuotaAndNeverTakeItPastItsLimit() {
    AtomicInteger granted = new AtomicInteger();
    int limit = 5;
    ProviderQuota quota =
        maxWait ->
            CompletableFuture.completedFuture(granted.incrementAndGet() <= limit || undo(granted));
    ActorRef<ProviderActor.Command> fmp =
        ProviderHarness.spawn(
            kit, fmp(), ProviderRegistry.adapterFor(fmp()).orElseThrow(), quota, Optional.empty());
    openIt(fmp);
    for (long seconds : List.of(5L, 10L, 20L, 40L, 60L)) {
      time.timePasses(Duration.ofSeconds(seconds));
      awaitState(fmp, "half_open");
      int before = calls();
      failure(fmp);
      // A trial that called reopens the breaker; one that got no permit leaves it half-open.
      if (calls() > before) awaitState(fmp, "open");
    }
    assertEquals(limit, calls(), "3 calls to open it and 2 trials: the limit of " + limit);
    assertEquals(ProviderErrorCode.RATE_LIMIT, failure(fmp), "then the quota refuses the trial");
    assertEquals(limit, calls());
  }

  private static boolean undo(AtomicInteger granted) {
    granted.decrementAndGet();
    return false;
  }
}
