package io.marketgate.app.caller;

import io.marketgate.persistence.quota.Ledger;
import io.marketgate.persistence.quota.QuotaEntity;
import io.marketgate.persistence.quota.QuotaSettings;
import io.marketgate.protocol.CborSerializable;
import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * One client's request rate for the whole cluster (entity id = client id): leases of permits,
 * counted in a sliding window (a minute) like a provider quota, but in memory only. If the entity
 * moves (its node leaves) or passivates after two idle minutes, its count starts again: at most one
 * extra minute's worth can pass at that moment, the documented tolerance of throttling.
 */
public final class RequestRateEntity {
  public static final EntityTypeKey<Take> ENTITY_KEY =
      EntityTypeKey.create(Take.class, "RequestRate");

  /** Up to {@code permits} permits of a limit of {@code perWindow}. */
  public record Take(int permits, int perWindow, ActorRef<QuotaEntity.Reply> replyTo)
      implements CborSerializable {}

  private RequestRateEntity() {}

  /**
   * Registers the rate entities with sharding on this node.
   *
   * @param window the window of every profile's rate limit (a minute)
   */
  public static ActorRef<ShardingEnvelope<Take>> init(
      ActorSystem<?> system, QuotaSettings settings, Duration window, String shardRole) {
    return ClusterSharding.get(system)
        .init(
            Entity.of(ENTITY_KEY, ctx -> create(settings, window, Clock.systemUTC()))
                .withRole(shardRole));
  }

  /**
   * @param window the window of every profile's rate limit (a minute)
   */
  public static Behavior<Take> create(QuotaSettings settings, Duration window, Clock clock) {
    long span = settings.countedOver(window).toMillis();
    return counting(Ledger.EMPTY, settings, span, clock);
  }

  private static Behavior<Take> counting(
      Ledger ledger, QuotaSettings settings, long span, Clock clock) {
    return Behaviors.receiveMessage(
        take -> {
          long now = clock.millis();
          Ledger.Allowance allowance =
              ledger.allows(Math.max(1, take.permits()), take.perWindow(), span, now);
          if (allowance.permits() == 0) {
            take.replyTo().tell(new QuotaEntity.Exhausted(allowance.retryAtMillis()));
            return Behaviors.same();
          }
          take.replyTo()
              .tell(
                  new QuotaEntity.Leased(
                      allowance.permits(), now + settings.leaseTtl().toMillis()));
          return counting(
              ledger.add(new Ledger.Grant(now, allowance.permits()), now - span),
              settings,
              span,
              clock);
        });
  }
}
