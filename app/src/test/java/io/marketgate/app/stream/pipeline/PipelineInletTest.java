package io.marketgate.app.stream.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.app.testkit.Eventually;
import io.marketgate.protocol.stream.StreamEvent;
import io.marketgate.protocol.stream.StreamGap;
import io.marketgate.protocol.stream.StreamQuote;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A pipeline's inlet when its graph falls behind: drops counted, then a gap with the bounds. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineInletTest {
  private static final Instant T0 = Instant.parse("2026-12-08T15:00:00Z");
  private final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  private static StreamQuote quote(String symbol, long i) {
    return new StreamQuote(
        "polygon",
        symbol,
        T0.plusMillis(i),
        i,
        BigDecimal.ONE,
        1L,
        BigDecimal.TEN,
        1L,
        null,
        false);
  }

  @Test
  void aFullQueueDropsAndCountsAndTheNextEventThatFitsFollowsAGap() {
    PipelineCounters counters = new PipelineCounters();
    var inlet = PipelineInlet.create(kit.system(), 10, counters);
    ActorRef<StreamEvent> in = kit.spawn(inlet.first());
    TestSubscriber.Probe<StreamEvent> out =
        inlet.second().runWith(TestSink.create(kit.system().classicSystem()), kit.system());
    for (long i = 1; i <= 30; i++) in.tell(quote("AAPL", i));
    Eventually.await(
        Duration.ofSeconds(5), "30 received", () -> counters.snapshot().received() == 30);
    // Nobody reads: the queue (10) and the stream's own small buffers fill, the rest is dropped.
    long dropped = counters.snapshot().dropped();
    assertTrue(dropped >= 10, "dropped " + dropped);

    out.request(100);
    // What arrives: quotes in order; wherever quotes are missing, a gap from the last one
    // delivered to the next, just before it. First what was queued, then quote 31 after it.
    long quotes = 0;
    long lastSeq = 0;
    Instant lastAt = null;
    StreamGap pendingGap = null;
    while (lastSeq < 31) {
      if (quotes == 30 - dropped && lastSeq < 31) {
        in.tell(quote("AAPL", 31));
        dropped = -1; // sent once
      }
      StreamEvent e = out.expectNext();
      if (e instanceof StreamGap g) {
        pendingGap = g;
        continue;
      }
      StreamQuote q = (StreamQuote) e;
      if (q.seq() != lastSeq + 1)
        assertEquals(
            new StreamGap("polygon", "AAPL", lastAt, q.eventTime(), "overflow"),
            pendingGap,
            "a gap before quote " + q.seq());
      else assertNull(pendingGap, "no gap without a drop");
      pendingGap = null;
      quotes++;
      lastSeq = q.seq();
      lastAt = q.eventTime();
    }
    PipelineCounters.Snapshot s = counters.snapshot();
    assertEquals(31, s.received());
    assertEquals(31, quotes + s.dropped(), "every quote delivered or counted as dropped");
    assertEquals(s.received(), s.written() + s.deadLettered() + s.dropped() + s.inFlight());
  }
}
