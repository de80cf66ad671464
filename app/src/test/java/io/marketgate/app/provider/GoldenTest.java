package io.marketgate.app.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.junit.jupiter.api.Assertions.*;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.marketgate.app.json.Json;
import io.marketgate.app.testkit.SecretWatch;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Golden tests of one provider's adapter: recorded real bodies (under {@code /golden/}) served by
 * WireMock over real HTTP to a provider actor started as the registry starts it.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GoldenTest {
  @JUnit5TestKit public final ActorTestKit kit = new JUnit5TestKitBuilder().build();
  final WireMockServer wiremock = new WireMockServer(WireMockConfiguration.options().dynamicPort());

  @BeforeAll
  void startWireMock() throws Exception {
    wiremock.start();
    // The first request of an actor system loads and compiles Pekko HTTP's client: on a busy
    // 2-core machine that alone can outlast a provider's 1.5 s attempt timeout, which is not what
    // these tests are about.
    Http.get(kit.system())
        .singleRequest(HttpRequest.GET(wiremock.baseUrl() + "/__admin/mappings"))
        .thenCompose(r -> r.discardEntityBytes(kit.system()).completionStage())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  void stopWireMock() {
    wiremock.stop();
    SecretWatch.assertClean();
  }

  @BeforeEach
  void clearStubs() {
    wiremock.resetAll();
  }

  static String golden(String path) {
    try (InputStream in = GoldenTest.class.getResourceAsStream("/golden/" + path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("missing golden file " + path, e);
    }
  }

  /**
   * Provider {@code name} with its base URL at {@code basePath} on WireMock and the key {@code
   * golden-key-1234}.
   */
  ActorRef<ProviderActor.Command> provider(String name, String basePath, String extraHocon) {
    return ProviderHarness.spawn(
        kit, ProviderHarness.settings(name, wiremock.baseUrl() + basePath, extraHocon));
  }

  void stub(String path, String goldenFile) {
    wiremock.stubFor(get(urlPathEqualTo(path)).willReturn(okJson(golden(goldenFile))));
  }

  static FetchKey statementKey(String symbol, String statement, String period) {
    return FetchKey.of(
        Dataset.FUNDAMENTALS, symbol, Map.of("statement", statement, "period", period));
  }

  /** The record {@code provider} fetched. */
  static <T> T fetched(ProviderOutcome outcome, String provider, Class<T> type) {
    ProviderOutcome.Fetched fetched =
        assertInstanceOf(ProviderOutcome.Fetched.class, outcome, outcome.toString());
    assertEquals(provider, fetched.provider());
    return type.cast(fetched.record());
  }

  /** Fetched, and its encoded data decodes back to the same record. */
  static <T> T roundTripped(ProviderOutcome outcome, String provider, Class<T> type) {
    T record = fetched(outcome, provider, type);
    assertEquals(
        record,
        Json.decode(((ProviderOutcome.Fetched) outcome).data(), type),
        "encoded data round-trips");
    return record;
  }

  /** The code of {@code provider}'s failure. */
  static ProviderErrorCode failure(ProviderOutcome outcome, String provider) {
    ProviderOutcome.Failed failed =
        assertInstanceOf(ProviderOutcome.Failed.class, outcome, outcome.toString());
    assertEquals(provider, failed.error().provider());
    return failed.error().code();
  }

  static void assertDecimal(String expected, BigDecimal actual) {
    assertNotNull(actual, "expected " + expected);
    assertEquals(
        0, new BigDecimal(expected).compareTo(actual), "expected " + expected + " got " + actual);
  }
}
