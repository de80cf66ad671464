package io.marketgate.app.stream.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.app.testkit.Eventually;
import io.marketgate.app.testkit.TcpRelay;
import io.marketgate.app.testkit.TestDatabase;
import io.marketgate.app.testkit.TestNode;
import io.marketgate.persistence.stream.DeadLetterSpool;
import io.marketgate.persistence.stream.StreamDatabase;
import io.marketgate.persistence.stream.StreamDeadLetters;
import io.marketgate.protocol.stream.StreamBar;
import io.marketgate.protocol.stream.StreamEvent;
import io.marketgate.protocol.stream.StreamQuote;
import io.marketgate.protocol.stream.StreamTrade;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.ThrottleMode;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The write coordinator into the node's database: idempotent rows by storage key, backpressure
 * bounded by its settings, a refused batch kept and replayed, a database outage waited out with
 * nothing lost, and the accounting identity throughout.
 */
@ExtendWith(LogCapturingExtension.class)
class WriteCoordinatorTest {
  private static final Instant T0 = Instant.parse("2026-12-08T15:00:00Z");
  private static final WriteCoordinator.Settings SETTINGS =
      new WriteCoordinator.Settings(
          1_000, 100, Duration.ofMillis(50), 2, 3, Duration.ofMillis(50), Duration.ofMillis(500));

  private TestDatabase database;
  private TcpRelay relay;
  private TestNode node;

  @AfterEach
  void stop() {
    if (node != null) node.close();
    if (relay != null) relay.close();
    if (database != null) database.close();
  }

  private StreamDatabase start(boolean viaRelay) throws Exception {
    database = TestDatabase.create();
    if (viaRelay) {
      relay = TcpRelay.start(database.server().getHostString(), database.server().getPort());
      node = TestNode.start(database.configVia(relay.port()), 0, database);
    } else {
      node = TestNode.start("", 0, database);
    }
    Path spool = Files.createTempDirectory("stream-spool");
    spool.toFile().deleteOnExit();
    return StreamDatabase.start(
        node.system(), node.node().durable().database(), 4, new DeadLetterSpool(spool, 1 << 20));
  }

  private static StreamQuote quote(String symbol, long atMillis, long seq) {
    return new StreamQuote(
        "polygon",
        symbol,
        T0.plusMillis(atMillis),
        seq,
        new BigDecimal("10.01"),
        300L,
        new BigDecimal("10.03"),
        200L,
        null,
        false);
  }

  private long count(String sql) throws Exception {
    try (Connection c = database.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void run(
      Source<StreamEvent, ?> events,
      WriteCoordinator.BatchStore store,
      StreamDatabase db,
      PipelineCounters counters)
      throws Exception {
    events
        .map(
            e -> {
              counters.received(1);
              return e;
            })
        .runWith(
            WriteCoordinator.sink(
                node.system(),
                SETTINGS,
                store,
                (batch, reason) -> db.keepDeadLetter("test", batch, reason),
                counters,
                WriteCoordinator.Observer.NONE),
            node.system())
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  @Test
  void distinctTicksOfOneMillisecondAreBothStoredAndAnExactReplayAddsNothing() throws Exception {
    StreamDatabase db = start(false);
    PipelineCounters counters = new PipelineCounters();
    List<StreamEvent> events =
        List.of(
            quote("AAPL", 0, 1),
            quote("AAPL", 0, 2), // the same millisecond, another sequence number
            quote("AAPL", 0, 1), // an exact replay
            new StreamTrade("polygon", "AAPL", T0, 7, new BigDecimal("10.02"), 100, false),
            new StreamBar(
                "polygon",
                "AAPL",
                "1m",
                T0,
                new BigDecimal("10"),
                new BigDecimal("11"),
                new BigDecimal("9.5"),
                new BigDecimal("10.5"),
                1234,
                false));
    run(Source.from(events), db::write, db, counters);
    assertEquals(2, count("SELECT COUNT(*) FROM stream_quotes"));
    assertEquals(1, count("SELECT COUNT(*) FROM stream_trades"));
    assertEquals(1, count("SELECT COUNT(*) FROM stream_bars WHERE volume = 1234"));
    // Replaying everything stores nothing new.
    run(Source.from(events), db::write, db, counters);
    assertEquals(2, count("SELECT COUNT(*) FROM stream_quotes"));
    PipelineCounters.Snapshot s = counters.snapshot();
    assertEquals(10, s.received());
    assertEquals(10, s.written());
    assertEquals(0, s.inFlight());
  }

  @Test
  void aSinkTenTimesSlowerThanItsSourceHoldsNoMoreThanTheConfiguredBounds() throws Exception {
    StreamDatabase db = start(false);
    PipelineCounters counters = new PipelineCounters();
    // Each batch of up to 100 takes 50 ms on one of 2 writers: about 4,000 rows/s, against a
    // source of 40,000 events/s.
    WriteCoordinator.BatchStore slow =
        batch ->
            Patterns.after(
                Duration.ofMillis(50),
                node.system().classicSystem().scheduler(),
                node.system().executionContext(),
                () -> db.write(batch));
    long bound = SETTINGS.capacity() + (SETTINGS.workers() + 1L) * SETTINGS.batchSize() + 16;
    AtomicLong maxBuffered = new AtomicLong();
    var sampler =
        node.system()
            .scheduler()
            .scheduleAtFixedRate(
                Duration.ofMillis(10),
                Duration.ofMillis(10),
                () -> maxBuffered.accumulateAndGet(counters.snapshot().inFlight(), Math::max),
                node.system().executionContext());
    try {
      run(
          Source.range(1, 10_000)
              .map(i -> (StreamEvent) quote("BP", i, i))
              .throttle(40_000, Duration.ofSeconds(1), 1_000, ThrottleMode.shaping()),
          slow,
          db,
          counters);
    } finally {
      sampler.cancel();
    }
    PipelineCounters.Snapshot s = counters.snapshot();
    assertTrue(maxBuffered.get() > SETTINGS.capacity() / 2, "the buffer filled: " + maxBuffered);
    assertTrue(maxBuffered.get() <= bound, maxBuffered + " buffered, bound " + bound);
    assertEquals(10_000, s.received());
    assertEquals(s.received(), s.written() + s.deadLettered() + s.dropped() + s.inFlight());
    assertEquals(0, s.inFlight());
    assertEquals(10_000, count("SELECT COUNT(*) FROM stream_quotes WHERE symbol = 'BP'"));
  }

  @Test
  void aBatchTheDatabaseRefusesIsKeptAsADeadLetterAndReplays() throws Exception {
    StreamDatabase db = start(false);
    PipelineCounters counters = new PipelineCounters();
    String tooLong = "A".repeat(40); // the column holds 32
    run(Source.single((StreamEvent) quote(tooLong, 0, 1)), db::write, db, counters);
    assertEquals(1, counters.snapshot().deadLettered());
    assertEquals(0, counters.snapshot().inFlight());
    List<StreamDeadLetters.Entry> pending =
        db.pendingDeadLetters("test").toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(1, pending.size());
    assertEquals(tooLong, pending.get(0).events().get(0).symbol());

    try (Connection c = database.connect();
        Statement st = c.createStatement()) {
      st.execute("ALTER TABLE stream_quotes ALTER COLUMN symbol SET DATA TYPE VARCHAR(64)");
    }
    assertEquals(1, db.replay(pending.get(0).id()).toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertEquals(1, count("SELECT COUNT(*) FROM stream_quotes WHERE symbol = '" + tooLong + "'"));
    assertEquals(
        List.of(), db.pendingDeadLetters("test").toCompletableFuture().get(10, TimeUnit.SECONDS));
  }

  @Test
  void aDatabaseOutageShorterThanCapacityLosesNothingAndDeadLettersNothing() throws Exception {
    Assumptions.assumeTrue(
        System.getenv("DATABASE_URL") != null, "needs PostgreSQL: set DATABASE_URL (CI does)");
    StreamDatabase db = start(true);
    PipelineCounters counters = new PipelineCounters();
    CompletableFuture<Done> cutAndRestore = new CompletableFuture<>();
    CompletionStage<?> writing =
        CompletableFuture.runAsync(
            () -> {
              try {
                run(
                    Source.range(1, 3_000)
                        .map(i -> (StreamEvent) quote("OUT", i, i))
                        .throttle(1_000, Duration.ofSeconds(1), 10, ThrottleMode.shaping()),
                    db::write,
                    db,
                    counters);
              } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
              }
            });
    Eventually.await(
        Duration.ofSeconds(10),
        "rows written before the cut",
        () -> counters.snapshot().written() > 300);
    relay.cut();
    long writtenAtCut = counters.snapshot().written();
    Eventually.await(
        Duration.ofSeconds(10),
        "events waiting while the database is away",
        () -> counters.snapshot().inFlight() >= 500);
    assertTrue(counters.snapshot().written() - writtenAtCut <= 2L * SETTINGS.batchSize());
    relay.restore();
    writing.toCompletableFuture().get(60, TimeUnit.SECONDS);
    PipelineCounters.Snapshot s = counters.snapshot();
    assertEquals(3_000, s.received());
    assertEquals(3_000, s.written());
    assertEquals(0, s.deadLettered());
    assertEquals(0, s.dropped());
    assertEquals(0, s.inFlight());
    assertEquals(3_000, count("SELECT COUNT(*) FROM stream_quotes WHERE symbol = 'OUT'"));
  }
}
