package io.marketgate.app.stream.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.app.testkit.ManualClock;
import io.marketgate.protocol.stream.StreamBar;
import io.marketgate.protocol.stream.StreamEvent;
import io.marketgate.protocol.stream.StreamGap;
import io.marketgate.protocol.stream.StreamQuote;
import io.marketgate.protocol.stream.StreamTrade;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.testkit.TestPublisher;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.apache.pekko.stream.testkit.javadsl.TestSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The pipeline operators on recorded inputs, worked out by hand. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorsTest {
  private static final Instant T0 = Instant.parse("2026-12-08T15:00:00Z");
  private final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  private static StreamQuote quote(String symbol, long atMillis, long seq, String bid, String ask) {
    return new StreamQuote(
        "polygon",
        symbol,
        T0.plusMillis(atMillis),
        seq,
        new BigDecimal(bid),
        100L,
        new BigDecimal(ask),
        100L,
        null,
        false);
  }

  private static StreamTrade trade(String symbol, long atMillis, String price, long size) {
    return new StreamTrade(
        "polygon", symbol, T0.plusMillis(atMillis), atMillis, new BigDecimal(price), size, false);
  }

  private static StreamBar bar(
      String symbol, long startMillis, String o, String h, String l, String c, long v) {
    return new StreamBar(
        "polygon",
        symbol,
        "1m",
        T0.plusMillis(startMillis),
        new BigDecimal(o),
        new BigDecimal(h),
        new BigDecimal(l),
        new BigDecimal(c),
        v,
        false);
  }

  @Test
  void throttleNeverPassesMoreThanBurstPlusRateTimesElapsed() throws Exception {
    int rate = 100;
    int burst = 10;
    long start = System.nanoTime();
    List<Long> passedAt =
        Source.range(1, 150)
            .map(i -> (StreamEvent) quote("AAPL", i, i, "1", "2"))
            .via(Operators.throttle(rate, burst))
            .map(e -> System.nanoTime() - start)
            .runWith(Sink.seq(), kit.system())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertEquals(150, passedAt.size(), "shaping drops nothing");
    for (int i = 0; i < passedAt.size(); i++) {
      double elapsedSeconds = passedAt.get(i) / 1e9;
      assertTrue(
          i + 1 <= burst + rate * elapsedSeconds + 1,
          (i + 1) + " events passed after " + elapsedSeconds + " s");
    }
  }

  @Test
  void deduplicateDropsExactRepeatsWithinTheTtlOfEventTimeAndPassesThemAfter() throws Exception {
    StreamQuote first = quote("AAPL", 0, 1, "10", "11");
    StreamQuote sameMillisecond = quote("AAPL", 0, 2, "10", "11");
    StreamGap gap = new StreamGap("polygon", "AAPL", T0, T0.plusSeconds(1), "reconnected");
    List<StreamEvent> in =
        List.of(
            first,
            sameMillisecond, // a distinct tick in the same millisecond passes
            first, // an exact replay is dropped
            gap,
            gap, // gaps are never deduplicated
            quote("AAPL", 30_000, 3, "10", "11"),
            first, // within 60 s of the newest event time: dropped
            quote("AAPL", 61_000, 4, "10", "11"),
            first); // beyond the TTL: passes
    List<StreamEvent> out =
        Source.from(in)
            .via(Operators.deduplicate(Duration.ofSeconds(60)))
            .runWith(Sink.seq(), kit.system())
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    assertEquals(List.of(first, sameMillisecond, gap, gap, in.get(5), in.get(7), first), out);
  }

  @Test
  void resampleGivesTheBarsWorkedOutByHandAndClosesAnIdleSymbolsWindowOnTheClock() {
    ManualClock clock = new ManualClock(T0.toEpochMilli());
    Pair<TestPublisher.Probe<StreamEvent>, TestSubscriber.Probe<StreamEvent>> run =
        TestSource.<StreamEvent>create(kit.system().classicSystem())
            .viaMat(
                ResampleOhlc.flow(Duration.ofMinutes(1), Duration.ofSeconds(5), clock, ticks()),
                Keep.left())
            .toMat(TestSink.create(kit.system().classicSystem()), Keep.both())
            .run(kit.system());
    TestPublisher.Probe<StreamEvent> events = run.first();
    TestSubscriber.Probe<StreamEvent> out = run.second();
    out.request(100);
    // AAPL trades, one out of order; MSFT only quotes (midpoints), then nothing more.
    events.sendNext(trade("AAPL", 5_000, "100", 10));
    events.sendNext(quote("MSFT", 10_000, 1, "50", "50.10"));
    events.sendNext(trade("AAPL", 20_000, "102", 5));
    events.sendNext(quote("AAPL", 25_000, 2, "500", "600")); // a window with trades ignores quotes
    events.sendNext(quote("MSFT", 30_000, 2, "50.2", "50.4"));
    events.sendNext(trade("AAPL", 40_000, "99", 20));
    events.sendNext(trade("AAPL", 3_000, "98", 1)); // late but its window is open: the open
    events.sendNext(trade("AAPL", 55_000, "101", 1));
    clock.set(T0.plusSeconds(64).toEpochMilli());
    tick();
    out.expectNoMessage(Duration.ofMillis(200)); // 15:01:00 + 5 s lateness not yet passed
    clock.set(T0.plusSeconds(65).toEpochMilli());
    tick();
    List<StreamEvent> bars = new ArrayList<>(List.of(out.expectNext(), out.expectNext()));
    assertTrue(bars.contains(bar("AAPL", 0, "98", "102", "98", "101", 37)), bars.toString());
    assertTrue(bars.contains(bar("MSFT", 0, "50.05", "50.3", "50.05", "50.3", 0)), bars.toString());

    events.sendNext(trade("AAPL", 50_000, "150", 1)); // its window is closed: dropped
    events.sendNext(trade("AAPL", 70_000, "103", 2));
    events.sendComplete(); // open windows are emitted at the end
    assertEquals(bar("AAPL", 60_000, "103", "103", "103", "103", 2), out.expectNext());
    out.expectComplete();
  }

  private TestPublisher.Probe<Object> tickProbe;

  private Source<Object, ?> ticks() {
    Pair<TestPublisher.Probe<Object>, Source<Object, org.apache.pekko.NotUsed>> ticks =
        TestSource.create(kit.system().classicSystem()).preMaterialize(kit.system());
    tickProbe = ticks.first();
    return ticks.second();
  }

  private void tick() {
    tickProbe.sendNext("tick");
  }
}
