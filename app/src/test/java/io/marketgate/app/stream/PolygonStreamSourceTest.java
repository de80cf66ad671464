package io.marketgate.app.stream;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import io.marketgate.app.sim.ProviderSimulator;
import io.marketgate.app.stream.polygon.PolygonStreamSource;
import io.marketgate.app.testkit.Eventually;
import io.marketgate.protocol.stream.StreamBar;
import io.marketgate.protocol.stream.StreamChannel;
import io.marketgate.protocol.stream.StreamEvent;
import io.marketgate.protocol.stream.StreamGap;
import io.marketgate.protocol.stream.StreamQuote;
import io.marketgate.protocol.stream.StreamTrade;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link PolygonStreamSource} over real WebSockets against the simulator's Polygon stream (which
 * enforces one connection per key): events, a dropped connection, a refused key and a second
 * connection for the same key.
 */
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolygonStreamSourceTest {
  private ActorTestKit kit;
  private ProviderSimulator simulator;
  private ProviderSimulator.PolygonStreams streams;

  @BeforeAll
  void start() throws Exception {
    kit =
        ActorTestKit.create(
            ConfigFactory.parseString("marketgate.simulator.stream-interval = 50ms")
                .withFallback(ConfigFactory.load()));
    simulator =
        ProviderSimulator.start(kit.system(), "127.0.0.1", 0)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    streams = simulator.polygonStreams();
  }

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void reset() {
    simulator.reset();
  }

  private PolygonStreamSource source(String key, AtomicInteger reconnects) {
    PolygonStreamSource source = sourceOf(key, reconnects);
    for (StreamChannel channel : StreamChannel.values()) source.subscribe(channel, "AAPL");
    return source;
  }

  private PolygonStreamSource sourceOf(String key, AtomicInteger reconnects) {
    return new PolygonStreamSource(
        kit.system(),
        new PolygonStreamSource.Settings(
            streams.url(simulator.baseUrl()),
            RestartSettings.create(Duration.ofMillis(100), Duration.ofSeconds(1), 0.1),
            Duration.ofSeconds(30),
            Duration.ofSeconds(5)),
        key,
        reconnects::incrementAndGet);
  }

  private Pair<UniqueKillSwitch, TestSubscriber.Probe<StreamEvent>> run(PolygonStreamSource s) {
    return s.events()
        .toMat(TestSink.create(kit.system().classicSystem()), Keep.both())
        .run(kit.system());
  }

  /** The next {@code n} events, skipping none. */
  private static List<StreamEvent> next(TestSubscriber.Probe<StreamEvent> probe, int n) {
    probe.request(n);
    java.util.ArrayList<StreamEvent> events = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) events.add(probe.expectNext(java.time.Duration.ofSeconds(5)));
    return events;
  }

  @Test
  void quotesTradesAndBarsOfTheSubscribedSymbolArriveOnOneConnection() {
    PolygonStreamSource s = source("stream-key-one", new AtomicInteger());
    var run = run(s);
    List<StreamEvent> events = next(run.second(), 6);
    assertTrue(events.stream().anyMatch(e -> e instanceof StreamQuote), events.toString());
    assertTrue(events.stream().anyMatch(e -> e instanceof StreamTrade), events.toString());
    assertTrue(events.stream().anyMatch(e -> e instanceof StreamBar), events.toString());
    assertTrue(
        events.stream().allMatch(e -> e.symbol().equals("AAPL") && e.source().equals("polygon")));
    assertEquals(new UpstreamState.Live(), s.state());
    assertEquals(1, streams.connections());
    assertEquals(1, streams.subscriptions("Q.AAPL"));
    run.first().shutdown();
    run.second().request(1000).expectComplete();
  }

  @Test
  void symbolsAreAddedAndDroppedOnTheOpenConnectionAndKeptAcrossReconnects() {
    PolygonStreamSource s = sourceOf("stream-key-dynamic", new AtomicInteger());
    var run = run(s);
    // Demand first: the connection's frames (auth_success among them) are read on demand.
    run.second().request(1000);
    Eventually.await(
        Duration.ofSeconds(5), "connected", () -> s.state() instanceof UpstreamState.Live);
    s.subscribe(StreamChannel.QUOTES, "MSFT");
    assertEquals("MSFT", run.second().expectNext(java.time.Duration.ofSeconds(5)).symbol());
    s.subscribe(StreamChannel.QUOTES, "AAPL");
    StreamEvent aapl = null;
    for (int i = 0; i < 100 && aapl == null; i++) {
      StreamEvent e = run.second().expectNext(java.time.Duration.ofSeconds(5));
      if (e.symbol().equals("AAPL")) aapl = e;
    }
    assertNotNull(aapl, "AAPL events after its subscription");
    assertEquals(1, streams.connections(), "on the same connection");
    s.unsubscribe(StreamChannel.QUOTES, "MSFT");
    assertEquals(java.util.Set.of("AAPL"), s.symbols());
    streams.fault("drop");
    Eventually.await(
        Duration.ofSeconds(10), "resubscribed", () -> streams.subscriptions("Q.AAPL") == 2);
    assertEquals(1, streams.subscriptions("Q.MSFT"), "a dropped symbol is not sent again");
    run.first().shutdown();
  }

  @Test
  void aDroppedConnectionIsOpenedAgainWithAGapThenEvents() {
    AtomicInteger reconnects = new AtomicInteger();
    PolygonStreamSource s = source("stream-key-two", reconnects);
    var run = run(s);
    StreamEvent before = next(run.second(), 3).get(2);
    streams.fault("drop");
    run.second().request(1000);
    StreamGap gap = null;
    for (int i = 0; i < 500 && gap == null; i++) {
      if (run.second().expectNext(java.time.Duration.ofSeconds(10)) instanceof StreamGap g) gap = g;
    }
    assertNotNull(gap, "a gap after the drop");
    assertEquals("AAPL", gap.symbol());
    assertEquals("reconnected", gap.reason());
    assertNotNull(gap.from());
    assertFalse(gap.from().isBefore(before.eventTime()), "the gap starts at the last event seen");
    StreamEvent after = run.second().expectNext(java.time.Duration.ofSeconds(5));
    assertFalse(after instanceof StreamGap);
    assertEquals(1, reconnects.get());
    assertEquals(2, streams.connections());
    assertEquals(2, streams.subscriptions("Q.AAPL"), "resubscribed on the new connection");
    run.first().shutdown();
  }

  @Test
  void aRefusedKeyIsTriedOnceAndTheSourceStops() {
    PolygonStreamSource s = source("invalid-stream-key", new AtomicInteger());
    var run = run(s);
    run.second().request(10).expectComplete();
    assertInstanceOf(UpstreamState.KeyRejected.class, s.state());
    assertEquals(1, streams.authAttempts(), "no reconnect storm");
    assertEquals(1, streams.connections());
  }

  @Test
  void aSecondConnectionForTheSameKeyIsRefusedAndNeverHoldsTheSlot() {
    var first = run(source("stream-key-shared", new AtomicInteger()));
    next(first.second(), 1);
    PolygonStreamSource second = source("stream-key-shared", new AtomicInteger());
    var run = run(second);
    run.second().request(10);
    Eventually.await(
        Duration.ofSeconds(10),
        "the second connection is refused",
        () -> second.state() instanceof UpstreamState.ConnectionLimit);
    assertEquals(1, streams.authenticated(), "only the first connection ever held the key's slot");
    assertTrue(streams.authAttempts() >= 2, "the second connection tried");
    first.second().request(1).expectNext(java.time.Duration.ofSeconds(5));
    run.first().shutdown();
    first.first().shutdown();
  }
}
