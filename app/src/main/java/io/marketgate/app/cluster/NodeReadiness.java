package io.marketgate.app.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * The readiness check behind Pekko Management's {@code /ready} (beside its own cluster-membership
 * check: the node is Up): the node has started sharding and bound its API, and is not shutting
 * down. The database is deliberately not checked: a database outage must not make every pod unready
 * at once, while the read path keeps working without it.
 */
public final class NodeReadiness implements Supplier<CompletionStage<Boolean>> {
  private final NodeLifecycle lifecycle;

  public NodeReadiness(ActorSystem system) {
    this.lifecycle = NodeLifecycle.get(Adapter.toTyped(system));
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(lifecycle.ready());
  }
}
