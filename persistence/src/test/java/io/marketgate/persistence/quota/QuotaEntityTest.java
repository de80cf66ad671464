package io.marketgate.persistence.quota;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The quota entity's sliding windows, with a clock the test moves. */
class QuotaEntityTest {
  private static final QuotaSettings SETTINGS =
      new QuotaSettings(
          Duration.ofSeconds(5),
          Duration.ofSeconds(1),
          Duration.ofSeconds(1),
          Duration.ofSeconds(1));
  private static final long MINUTE_SPAN = SETTINGS.countedOver(QuotaLimits.MINUTE).toMillis();
  private static final ActorTestKit kit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** A clock that moves only when told. */
  static final class ManualClock extends Clock {
    private long millis = 1_800_000_000_000L;

    void advance(Duration d) {
      millis += d.toMillis();
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private static EventSourcedBehaviorTestKit<
          QuotaEntity.Command, QuotaEntity.Granted, QuotaEntity.State>
      entity(String provider, QuotaLimits limits, Clock clock) {
    return EventSourcedBehaviorTestKit.create(
        kit.system(), QuotaEntity.create(provider, limits, SETTINGS, clock));
  }

  private static QuotaEntity.Reply acquire(
      EventSourcedBehaviorTestKit<QuotaEntity.Command, QuotaEntity.Granted, QuotaEntity.State> e,
      int n) {
    return e.<QuotaEntity.Reply>runCommand(replyTo -> new QuotaEntity.Acquire(n, replyTo)).reply();
  }

  @Test
  void grantsUpToTheMinuteLimitThenSaysWhenAPermitFreesUp() {
    ManualClock clock = new ManualClock();
    var e = entity("minute", new QuotaLimits(5, 0), clock);
    long first = clock.millis();
    for (int i = 0; i < 5; i++) {
      assertEquals(new QuotaEntity.Leased(1, clock.millis() + 5000), acquire(e, 1));
      clock.advance(Duration.ofSeconds(1));
    }
    QuotaEntity.Exhausted exhausted = assertInstanceOf(QuotaEntity.Exhausted.class, acquire(e, 1));
    assertEquals(
        first + MINUTE_SPAN + 1,
        exhausted.retryAtMillis(),
        "when the oldest grant leaves the counted window");

    clock.advance(Duration.ofMillis(exhausted.retryAtMillis() - clock.millis()));
    assertInstanceOf(QuotaEntity.Leased.class, acquire(e, 1));
    assertInstanceOf(
        QuotaEntity.Exhausted.class, acquire(e, 1), "the second grant is still counted");
  }

  @Test
  void aLeaseIsCutToWhatIsLeft() {
    var e = entity("partial", new QuotaLimits(5, 0), new ManualClock());
    assertEquals(3, ((QuotaEntity.Leased) acquire(e, 3)).permits());
    assertEquals(2, ((QuotaEntity.Leased) acquire(e, 3)).permits());
    assertInstanceOf(QuotaEntity.Exhausted.class, acquire(e, 3));
  }

  @Test
  void theDailyLimitHoldsOverTheDay() {
    ManualClock clock = new ManualClock();
    var e = entity("daily", new QuotaLimits(0, 3), clock);
    for (int i = 0; i < 3; i++) assertInstanceOf(QuotaEntity.Leased.class, acquire(e, 1));
    clock.advance(Duration.ofHours(12));
    assertInstanceOf(
        QuotaEntity.Exhausted.class, acquire(e, 1), "12 hours later the day is not over");
    clock.advance(Duration.ofHours(12).plus(SETTINGS.leaseTtl()).plus(SETTINGS.margin()));
    assertInstanceOf(QuotaEntity.Leased.class, acquire(e, 1));
  }

  @Test
  void theCountSurvivesARestart() {
    ManualClock clock = new ManualClock();
    var e = entity("restart", new QuotaLimits(4, 0), clock);
    for (int i = 0; i < 4; i++) acquire(e, 1);
    e.restart();
    assertEquals(4, e.getState().ledger().countedSince(clock.millis() - MINUTE_SPAN));
    assertInstanceOf(
        QuotaEntity.Exhausted.class,
        acquire(e, 1),
        "grants persisted before the restart still count");
  }

  @Test
  void noCountedWindowEverHoldsMoreThanTheLimit() {
    ManualClock clock = new ManualClock();
    int limit = 30;
    var e = entity("random", new QuotaLimits(limit, 0), clock);
    Random random = new Random(42);
    List<long[]> grants = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      clock.advance(Duration.ofMillis(random.nextInt(400)));
      if (acquire(e, 1 + random.nextInt(3)) instanceof QuotaEntity.Leased l)
        grants.add(new long[] {clock.millis(), l.permits()});
    }
    for (long[] start : grants) {
      long inWindow =
          grants.stream()
              .filter(g -> g[0] >= start[0] && g[0] < start[0] + MINUTE_SPAN)
              .mapToLong(g -> g[1])
              .sum();
      assertTrue(inWindow <= limit, "grants in the window from " + start[0] + ": " + inWindow);
    }
    long total = grants.stream().mapToLong(g -> g[1]).sum();
    long minutes = (clock.millis() - grants.get(0)[0]) / MINUTE_SPAN + 1;
    assertTrue(
        total >= (minutes - 1) * limit,
        "the limit is also used, not only kept: " + total + " in " + minutes + " windows");
  }
}
