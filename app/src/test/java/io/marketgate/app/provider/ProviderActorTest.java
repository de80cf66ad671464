package io.marketgate.app.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.junit.jupiter.api.Assertions.*;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.marketgate.app.config.ProviderSettings;
import io.marketgate.app.testkit.Eventually;
import io.marketgate.app.testkit.MetricsScrape;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderErrorCode;
import java.time.Duration;
import java.util.Set;
import kamon.prometheus.PrometheusReporter;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The provider actor's own guarantees: failures stay attempts, and supervision restarts it. */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProviderActorTest {
  @JUnit5TestKit public final ActorTestKit kit = new JUnit5TestKitBuilder().build();
  private static final WireMockServer wiremock =
      new WireMockServer(WireMockConfiguration.options().dynamicPort());

  @BeforeAll
  static void startWireMock() {
    wiremock.start();
    wiremock.stubFor(
        get(urlPathEqualTo("/stable/quote"))
            .withQueryParam("symbol", equalTo("AAPL"))
            .willReturn(
                okJson(
                    "[{\"symbol\":\"AAPL\",\"price\":232.8,\"dayLow\":226.65,\"dayHigh\":233.13,\"timestamp\":1738702801}]")));
    wiremock.stubFor(
        get(urlPathEqualTo("/stable/quote"))
            .withQueryParam("symbol", equalTo("DOWN"))
            .willReturn(aResponse().withStatus(503).withBody("<html>down</html>")));
  }

  @AfterAll
  static void stopWireMock() {
    wiremock.stop();
  }

  private static ProviderErrorCode failedError(ProviderOutcome outcome) {
    return assertInstanceOf(ProviderOutcome.Failed.class, outcome).error().code();
  }

  private static ProviderSettings fmp() {
    return ProviderHarness.settings(
        "fmp",
        wiremock.baseUrl() + "/stable",
        "marketgate.providers.fmp.circuit-breaker.threshold = 5");
  }

  @Test
  void anExceptionInsideTheAdapterFailsOnlyThatAttempt() {
    ProviderAdapter throwing =
        new ProviderAdapter() {
          @Override
          public Set<Dataset> datasets() {
            return Set.of(Dataset.QUOTE);
          }

          @Override
          public ProviderRequest request(FetchKey key, String apiKey) {
            return new ProviderRequest(
                "/quote?symbol=" + key.symbol(), java.util.Map.of(), "quote");
          }

          @Override
          public AdapterResult parse(FetchKey key, int status, byte[] body) {
            if (key.symbol().equals("AAPL")) throw new IllegalStateException("adapter bug");
            return new AdapterResult.Success(
                new io.marketgate.protocol.data.Quote(
                    key.symbol(),
                    java.math.BigDecimal.ONE,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    false));
          }
        };
    ActorRef<ProviderActor.Command> provider = ProviderHarness.spawn(kit, fmp(), throwing);

    // The first defect logs its trace; the next ones within a minute only count (no log flood).
    var first =
        LoggingTestKit.error("counted as INTERNAL")
            .expect(kit.system(), () -> ProviderHarness.fetch(kit, provider, "AAPL"));
    assertEquals(ProviderErrorCode.INTERNAL, failedError(first), "our defect, not the provider's");
    LoggingTestKit.error("counted as INTERNAL")
        .withOccurrences(0)
        .expect(
            kit.system(),
            () -> {
              for (int i = 1; i < 6; i++) {
                assertEquals(
                    ProviderErrorCode.INTERNAL,
                    failedError(ProviderHarness.fetch(kit, provider, "AAPL")),
                    "our defect, not the provider's");
              }
              return null;
            });
    ProviderStatus afterDefects = status(provider);
    assertEquals(0, afterDefects.failureCount(), "the breaker counted none of 6 defects of ours");
    assertEquals("closed", afterDefects.circuitState());
    assertInstanceOf(
        ProviderOutcome.Fetched.class,
        ProviderHarness.fetch(kit, provider, "OTHER"),
        "the actor keeps serving");
    Eventually.await(
        Duration.ofSeconds(10),
        "provider_errors_total{provider=fmp,code=INTERNAL} counts them",
        () ->
            PrometheusReporter.latestScrapeData().isDefined()
                && MetricsScrape.value(
                            PrometheusReporter.latestScrapeData().get(),
                            "provider_errors_total",
                            "provider",
                            "fmp",
                            "code",
                            "INTERNAL")
                        .orElse(0.0)
                    >= 6);
  }

  @Test
  void aMalformedBodyIsTheProvidersFailureAndOpensTheBreaker() {
    wiremock.stubFor(
        get(urlPathEqualTo("/stable/quote"))
            .withQueryParam("symbol", equalTo("GARBLED"))
            .willReturn(okJson("[{\"symbol\":\"GARBLED\",\"price\": 1.2.3")));
    ActorRef<ProviderActor.Command> provider = ProviderHarness.spawn(kit, fmp());
    for (int i = 0; i < 5; i++) {
      var failed =
          assertInstanceOf(
              ProviderOutcome.Failed.class, ProviderHarness.fetch(kit, provider, "GARBLED"));
      assertEquals(ProviderErrorCode.INVALID_RESPONSE, failed.error().code());
    }
    // The breaker's listener tells the actor of the transition.
    Eventually.await(
        Duration.ofSeconds(3),
        "the breaker open after 5 malformed answers (threshold 5)",
        () -> status(provider).circuitState().equals("open"));
    assertEquals(
        ProviderErrorCode.CIRCUIT_OPEN,
        assertInstanceOf(ProviderOutcome.Failed.class, ProviderHarness.fetch(kit, provider, "AAPL"))
            .error()
            .code());
  }

  @Test
  void anAnswerThatBreaksTheFormatIsTheProvidersFailure() {
    wiremock.stubFor(
        get(urlPathEqualTo("/stable/quote"))
            .withQueryParam("symbol", equalTo("WRONGTYPE"))
            .willReturn(okJson("[{\"symbol\":\"WRONGTYPE\",\"price\":{\"amount\":1}}]")));
    ActorRef<ProviderActor.Command> provider = ProviderHarness.spawn(kit, fmp());
    var failed =
        assertInstanceOf(
            ProviderOutcome.Failed.class, ProviderHarness.fetch(kit, provider, "WRONGTYPE"));
    assertEquals(ProviderErrorCode.INVALID_RESPONSE, failed.error().code(), failed.toString());
    // The caller may hear of the failure before the actor has counted it.
    Eventually.await(
        Duration.ofSeconds(3),
        "counted by the breaker",
        () -> status(provider).failureCount() == 1);
  }

  private ProviderStatus status(ActorRef<ProviderActor.Command> provider) {
    TestProbe<ProviderStatus> status = kit.createTestProbe();
    provider.tell(new ProviderActor.GetStatus(status.getRef()));
    return status.receiveMessage();
  }

  /** Fails on a fetch of {@code CRASH}, as a defect in the behaviour would. */
  private static final class CrashOnSymbol
      extends BehaviorInterceptor<ProviderActor.Command, ProviderActor.Command> {
    CrashOnSymbol() {
      super(ProviderActor.Command.class);
    }

    @Override
    public Behavior<ProviderActor.Command> aroundReceive(
        TypedActorContext<ProviderActor.Command> ctx,
        ProviderActor.Command msg,
        ReceiveTarget<ProviderActor.Command> target) {
      if (msg instanceof ProviderActor.Fetch f && f.key().symbol().equals("CRASH"))
        throw new IllegalStateException("crashed on request");
      return target.apply(ctx, msg);
    }
  }

  @Test
  void aCrashedProviderIsRestartedWithBackoffAndKeepsItsBreaker() {
    ActorRef<ProviderActor.Command> provider =
        ProviderHarness.spawnWrapped(
            kit, fmp(), inner -> Behaviors.intercept(CrashOnSymbol::new, inner));
    for (int i = 0; i < 2; i++) {
      assertEquals(
          ProviderErrorCode.NETWORK_ERROR,
          assertInstanceOf(
                  ProviderOutcome.Failed.class, ProviderHarness.fetch(kit, provider, "DOWN"))
              .error()
              .code());
    }

    TestProbe<ProviderOutcome> probe = kit.createTestProbe();
    long crashedAt = System.nanoTime();
    LoggingTestKit.error(IllegalStateException.class)
        .withMessageContains("crashed on request")
        .expect(
            kit.system(),
            () -> {
              provider.tell(
                  new ProviderActor.Fetch(
                      FetchKey.of(Dataset.QUOTE, "CRASH"),
                      Duration.ofSeconds(2),
                      io.marketgate.protocol.RequestOrigin.INTERNAL,
                      kit.<ProviderOutcome>createTestProbe().getRef()));
              provider.tell(
                  new ProviderActor.Fetch(
                      FetchKey.of(Dataset.QUOTE, "AAPL"),
                      Duration.ofSeconds(2),
                      io.marketgate.protocol.RequestOrigin.INTERNAL,
                      probe.getRef()));
              return null;
            });
    assertInstanceOf(
        ProviderOutcome.Fetched.class,
        probe.receiveMessage(Duration.ofSeconds(5)),
        "serves again after the restart");
    long waitedMillis = (System.nanoTime() - crashedAt) / 1_000_000;
    assertTrue(
        waitedMillis >= 150,
        "the restart waited for its backoff (min 200 ms), waited " + waitedMillis + " ms");

    TestProbe<ProviderStatus> status = kit.createTestProbe();
    provider.tell(new ProviderActor.GetStatus(status.getRef()));
    ProviderStatus s = status.receiveMessage();
    assertEquals("closed", s.circuitState());
    assertEquals(3, s.attempts(), "statistics survive the restart");
    assertEquals(2, s.failures());
    assertEquals(
        java.util.List.of("****1234"),
        s.keys().stream().map(KeyStatus::key).toList(),
        "keys only masked");
  }
}
