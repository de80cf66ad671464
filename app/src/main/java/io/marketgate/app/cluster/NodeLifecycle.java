package io.marketgate.app.cluster;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Whether this node should receive requests: from when it serves (HTTP bound, sharding started)
 * until coordinated shutdown begins. On shutdown readiness fails first and the node keeps serving
 * for a drain period, so that a Kubernetes Service stops sending before the HTTP port closes (Pekko
 * Management itself fails {@code /ready} only once the port is unbound); then the usual phases
 * unbind, finish in-flight requests, hand shards off and leave the cluster.
 */
public final class NodeLifecycle implements Extension {
  private static final Id ID = new Id();

  private volatile boolean serving;
  private volatile boolean draining;

  private NodeLifecycle() {}

  public static NodeLifecycle get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** Ready for requests: serving and not shutting down. */
  public boolean ready() {
    return serving && !draining;
  }

  public boolean draining() {
    return draining;
  }

  /** Everything is wired and bound: readiness may report this node. */
  public void serving() {
    serving = true;
  }

  /**
   * Fails readiness as soon as coordinated shutdown starts, then waits {@code drain} before the
   * HTTP port is unbound. A node the cluster downed does not wait: its shards are already moving to
   * the survivors, and its entities must stop within {@code down-removal-margin}.
   */
  public void drainOnShutdown(ActorSystem<?> system, Duration drain) {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeServiceUnbind(),
        "fail-readiness-and-drain",
        () -> {
          draining = true;
          boolean downed =
              shutdown
                  .getShutdownReason()
                  .filter(r -> r == CoordinatedShutdown.clusterDowningReason())
                  .isPresent();
          if (downed) {
            system.log().warn("Shutting down: the cluster downed this node; no drain");
            return CompletableFuture.completedFuture(Done.getInstance());
          }
          system
              .log()
              .info("Shutting down: readiness fails now, requests are still served for {}", drain);
          return CompletableFuture.supplyAsync(
              Done::getInstance,
              CompletableFuture.delayedExecutor(
                  drain.toMillis(), TimeUnit.MILLISECONDS, system.executionContext()));
        });
  }

  static final class Id extends ExtensionId<NodeLifecycle> {
    @Override
    public NodeLifecycle createExtension(ActorSystem<?> system) {
      return new NodeLifecycle();
    }
  }
}
