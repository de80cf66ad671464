package io.marketgate.app.symbol;

import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.app.testkit.TestSpawner;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.RequestOrigin;
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
