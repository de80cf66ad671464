package io.marketgate.app.symbol;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import io.marketgate.app.caller.CallerRegistry;
import io.marketgate.app.caller.CallerSettings;
import io.marketgate.app.caller.ClientThrottle;
import io.marketgate.app.http.BatchRoutes;
import io.marketgate.app.http.CallerDirectives;
import io.marketgate.app.http.HttpServer;
import io.marketgate.app.metrics.Metrics;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.TestSpawner;
import io.marketgate.persistence.audit.AuditTrail;
import io.marketgate.persistence.lastgood.LastGoodRepository;
import io.marketgate.persistence.quota.QuotaSettings;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.RequestOrigin;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The parent of the per-request batch coordinators fails a request whose coordinator failed. */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
class BatchFetchTest {
  @JUnit5TestKit public final ActorTestKit kit = new JUnit5TestKitBuilder().build();

  @Test
  void aCoordinatorThatFailsFailsItsBatchAtOnceAndTheNextBatchRuns() throws Exception {
    BatchFetch batches =
        BatchFetch.start(
                TestSpawner.of(kit),
                request ->
                    request.keys().get(0).symbol().equals("BOOM")
                        ? Behaviors.setup(
                            ctx -> {
                              throw new IllegalStateException("a coordinator defect");
                            })
                        : Behaviors.setup(
                            ctx -> {
                              request.result().complete(Map.of());
                              return Behaviors.stopped();
                            }))
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    long start = System.nanoTime();
    CompletableFuture<?> failed =
        LoggingTestKit.error("a coordinator defect")
            .expect(kit.system(), () -> run(batches, "BOOM"));
    ExecutionException error =
        assertThrows(ExecutionException.class, () -> failed.get(1, TimeUnit.SECONDS));
    assertInstanceOf(BatchFetch.CoordinatorFailed.class, error.getCause());
    assertTrue(
        System.nanoTime() - start < Duration.ofSeconds(1).toNanos(),
        "failed at once, not at the end of the 3 s budget");
    assertEquals(Map.of(), run(batches, "AAPL").get(1, TimeUnit.SECONDS), "the parent goes on");
  }

  /** Over real HTTP: the batch route of a node whose batch coordinator fails. */
  @Test
  void aBatchRequestWhoseCoordinatorFailsIsAnsweredAtOnceWithA503Problem() throws Exception {
    ActorTestKit node =
        ActorTestKit.create(
            "BatchNode",
            ConfigFactory.parseString(
                    String.join(
                        "\n",
                        "pekko.actor.provider = cluster",
                        "pekko.remote.artery.canonical.port = 0",
                        "marketgate.security.anonymous-profile = premium",
                        "marketgate.security.profiles.premium.rate-limit = 0"))
                .withFallback(ConfigFactory.load()));
    try {
      BatchFetch failing =
          BatchFetch.start(
                  TestSpawner.of(node),
                  request ->
                      Behaviors.setup(
                          ctx -> {
                            throw new IllegalStateException("a coordinator defect");
                          }))
              .toCompletableFuture()
              .get(5, TimeUnit.SECONDS);
      Metrics metrics = Metrics.start(node.system().settings().config());
      SymbolGateway gateway =
          new SymbolGateway(
              (key, message, timeout) -> new CompletableFuture<>(),
              failing,
              dataset -> true,
              new NearCache(k -> 60_000, 100, Clock.systemUTC()),
              LastGoodRepository.NONE,
              metrics,
              Duration.ofMillis(300),
              SymbolGateway.Reach.allReachable());
      CallerSettings callerSettings =
          CallerSettings.fromConfig(node.system().settings().config(), name -> null);
      CallerDirectives callers =
          new CallerDirectives(
              new CallerRegistry(callerSettings),
              ClientThrottle.start(
                  node.system(),
                  QuotaSettings.fromConfig(
                      node.system().settings().config().getConfig("marketgate.quota")),
                  callerSettings.rateWindow(),
                  "gateway"),
              AuditTrail.NONE,
              metrics,
              callerSettings,
              Duration.ofMillis(500),
              Clock.systemUTC());
      InetSocketAddress bound =
          HttpServer.start(
                  node.system(),
                  "batch test",
                  "127.0.0.1",
                  0,
                  new BatchRoutes(
                          gateway, callers, metrics, Duration.ofSeconds(3), Clock.systemUTC())
                      .route())
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      long start = System.nanoTime();
      Http.Answer answer =
          LoggingTestKit.error("a coordinator defect")
              .expect(
                  node.system(),
                  () ->
                      Http.post(
                          "http://127.0.0.1:" + bound.getPort() + "/api/v1/quotes/batch",
                          "{\"symbols\":[\"AAPL\",\"MSFT\"]}"));
      long tookMillis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(503, answer.status(), answer.body());
      assertEquals("application/problem+json", answer.header("Content-Type"));
      assertEquals("/problems/batch-failed", answer.json().get("type").asText());
      assertTrue(tookMillis < 1500, "answered at once, not at the 3 s deadline: " + tookMillis);
    } finally {
      node.shutdownTestKit();
    }
  }

  private static CompletableFuture<?> run(BatchFetch batches, String symbol) {
    return batches
        .run(
            List.of(FetchKey.of(Dataset.QUOTE, symbol)),
            0,
            Duration.ofSeconds(3),
            RequestOrigin.INTERNAL)
        .toCompletableFuture();
  }
}
