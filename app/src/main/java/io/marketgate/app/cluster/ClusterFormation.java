package io.marketgate.app.cluster;

import io.marketgate.app.config.GatewaySettings;
import io.marketgate.app.config.HostPort;
import java.util.List;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;

/** Joins this node to its cluster the way MARKETGATE_DISCOVERY says (README, "Configuration"). */
public final class ClusterFormation {
  private ClusterFormation() {}

  public static void join(ActorSystem<?> system, GatewaySettings settings) {
    Cluster cluster = Cluster.get(system);
    switch (settings.discovery()) {
      case SELF -> cluster.manager().tell(Join.create(cluster.selfMember().address()));
      case SEEDS ->
          cluster
              .manager()
              .tell(new JoinSeedNodes(seedAddresses(system.name(), settings.seedNodes())));
      // Pekko Management Cluster Bootstrap finds the other pods through the Kubernetes API and
      // joins them, or forms a new cluster when enough contact points agree none exists.
      case KUBERNETES_API -> ClusterBootstrap.get(system.classicSystem()).start();
    }
  }

  static List<Address> seedAddresses(String systemName, List<HostPort> seeds) {
    return seeds.stream().map(s -> new Address("pekko", systemName, s.host(), s.port())).toList();
  }
}
