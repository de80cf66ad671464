package io.marketgate.app.caller;

import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.app.testkit.ManualClock;
import io.marketgate.persistence.quota.QuotaEntity;
import io.marketgate.persistence.quota.QuotaSettings;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client's rate entity on its own, with a clock the test moves: grants within the counted span,
 * then when a permit frees.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestRateEntityTest {
  @JUnit5TestKit public final ActorTestKit kit = new JUnit5TestKitBuilder().build();
  private static final QuotaSettings SETTINGS =
      new QuotaSettings(
          Duration.ofSeconds(5),
          Duration.ofSeconds(1),
          Duration.ofSeconds(1),
          Duration.ofSeconds(1));
  private final ManualClock clock = new ManualClock(1_000_000);

  private QuotaEntity.Reply take(ActorRef<RequestRateEntity.Take> entity, int permits, int limit) {
    TestProbe<QuotaEntity.Reply> probe = kit.createTestProbe();
    entity.tell(new RequestRateEntity.Take(permits, limit, probe.getRef()));
    return probe.receiveMessage();
  }

  @Test
  void grantsUpToTheLimitInTheCountedSpanThenSaysWhenAPermitFrees() {
    ActorRef<RequestRateEntity.Take> entity =
        kit.spawn(RequestRateEntity.create(SETTINGS, Duration.ofMinutes(1), clock));
    assertEquals(new QuotaEntity.Leased(2, clock.millis() + 5000), take(entity, 2, 3));
    long firstGrant = clock.millis();
    clock.advance(10_000);
    assertEquals(
        new QuotaEntity.Leased(1, clock.millis() + 5000),
        take(entity, 2, 3),
        "only what is left of the limit");
    QuotaEntity.Reply refused = take(entity, 1, 3);
    // Grants count for the window + lease TTL + margin (66 s): the first frees one right after
    // that.
    assertEquals(new QuotaEntity.Exhausted(firstGrant + 66_000 + 1), refused);
    clock.set(firstGrant + 66_001);
    assertEquals(new QuotaEntity.Leased(1, clock.millis() + 5000), take(entity, 1, 3));
  }

  @Test
  void itsMessagesCrossTheSerializer() {
    ActorRef<QuotaEntity.Reply> replyTo = kit.<QuotaEntity.Reply>createTestProbe().getRef();
    RequestRateEntity.Take take = new RequestRateEntity.Take(2, 60, replyTo);
    assertEquals(take, new SerializationTestKit(kit.system()).verifySerialization(take, false));
  }
}
