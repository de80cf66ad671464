package io.marketgate.app.cluster;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterSettings;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;

/**
 * The cluster settings this node actually runs with, read from its running actor system rather than
 * from files: what a packaging mistake would change (downing, shard count, failure detection), for
 * {@code GET /api/v1/cluster}.
 */
public final class ClusterSettingsView {
  private ClusterSettingsView() {}

  public static Map<String, Object> of(ActorSystem<?> system) {
    Config config = system.settings().config();
    ClusterSettings cluster =
        org.apache.pekko.cluster.Cluster.get(system.classicSystem()).settings();
    Duration stableAfter = config.getDuration("pekko.cluster.split-brain-resolver.stable-after");
    long margin = cluster.DownRemovalMargin().toMillis();
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("downing_provider", cluster.DowningProviderClassName());
    view.put(
        "split_brain_resolver_strategy",
        config.getString("pekko.cluster.split-brain-resolver.active-strategy"));
    view.put(
        "split_brain_resolver_role",
        config.getString("pekko.cluster.split-brain-resolver.keep-majority.role"));
    view.put("stable_after_ms", stableAfter.toMillis());
    // Unset, the resolver's removal margin is its stable-after (as Pekko's provider decides).
    view.put("down_removal_margin_ms", margin > 0 ? margin : stableAfter.toMillis());
    view.put(
        "acceptable_heartbeat_pause_ms",
        cluster.FailureDetectorConfig().getDuration("acceptable-heartbeat-pause").toMillis());
    view.put("number_of_shards", ClusterShardingSettings.create(system).numberOfShards());
    // tls-tcp: mutual TLS with the key material of MARKETGATE_TLS_DIR; tcp: a loopback one-node
    // cluster.
    view.put("remoting_transport", config.getString("pekko.remote.artery.transport"));
    return view;
  }
}
