package io.marketgate.app.cluster;

import io.marketgate.app.concurrent.Spawner;
import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether some entities may be out of reach: while a member that hosts shards (role {@code
 * gateway}) is unreachable, and after a downed one is removed until its shards have had time to
 * start elsewhere (the shard coordinator waits {@code down-removal-margin} before it reallocates
 * them, or first moves itself when the removed member was the oldest; then the entities start on
 * their first message). Read on the request path: one volatile read and the membership snapshot.
 */
public final class ClusterReach {
  /**
   * Beyond the removal margin: the coordinator's hand-over when it lived on the removed member, the
   * reallocation and the entities' start (about 1 s measured with the coordinator moving).
   */
  private static final Duration SHARDS_MOVING = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(ClusterReach.class);

  private final Cluster cluster;
  private final String shardRole;
  private final Duration unsettledAfterRemoval;
  private final Clock clock;
  private volatile long unsettledUntilMillis;

  private ClusterReach(
      Cluster cluster, String shardRole, Duration unsettledAfterRemoval, Clock clock) {
    this.cluster = cluster;
    this.shardRole = shardRole;
    this.unsettledAfterRemoval = unsettledAfterRemoval;
    this.clock = clock;
  }

  /** Starts watching removals (in the background: a removal in the first moments is moot). */
  public static ClusterReach start(
      ActorSystem<?> system, Spawner spawner, String shardRole, Clock clock) {
    Duration margin =
        Duration.ofMillis(
            org.apache.pekko.cluster.Cluster.get(system.classicSystem())
                .downingProvider()
                .downRemovalMargin()
                .toMillis());
    ClusterReach reach =
        new ClusterReach(Cluster.get(system), shardRole, margin.plus(SHARDS_MOVING), clock);
    spawner
        .spawn(reach.watchingRemovals(), "cluster-reach")
        .whenComplete(
            (ref, error) -> {
              if (error != null) LOG.error("Could not watch member removals", error);
            });
    return reach;
  }

  /** Whether a member that hosts shards is unreachable, or a downed one was removed moments ago. */
  public boolean entitiesMayBeOutOfReach() {
    if (clock.millis() < unsettledUntilMillis) return true;
    for (Member m : cluster.state().getUnreachable()) {
      if (m.hasRole(shardRole)) return true;
    }
    return false;
  }

  private Behavior<ClusterEvent.MemberRemoved> watchingRemovals() {
    return Behaviors.setup(
        context -> {
          cluster
              .subscriptions()
              .tell(Subscribe.create(context.getSelf(), ClusterEvent.MemberRemoved.class));
          return Behaviors.receiveMessage(
              removed -> {
                if (removed.previousStatus() == MemberStatus.down()
                    && removed.member().hasRole(shardRole)) {
                  unsettledUntilMillis = clock.millis() + unsettledAfterRemoval.toMillis();
                }
                return Behaviors.same();
              });
        });
  }
}
