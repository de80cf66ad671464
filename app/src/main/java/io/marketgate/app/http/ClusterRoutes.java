package io.marketgate.app.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.marketgate.app.cluster.ClusterSettingsView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/cluster} (admin): the members as this node sees them (status, roles, app
 * version, reachability), the leader and this node, and for every sharded entity type which shards
 * each member hosts and how many entities they hold; and the cluster settings this node runs with.
 */
public final class ClusterRoutes {
  static final List<ApiOperation> OPERATIONS = List.of(ApiOperation.get("/api/v1/cluster"));

  private final ActorSystem<?> system;
  private final Map<String, EntityTypeKey<?>> entityTypes;
  private final CallerDirectives callers;
  private final Duration statsTimeout;

  /**
   * @param entityTypes the sharded entity types to report, by the name the answer gives them
   */
  /**
   * @param statsTimeout how long each member has to report its shards
   */
  public ClusterRoutes(
      ActorSystem<?> system,
      Map<String, EntityTypeKey<?>> entityTypes,
      CallerDirectives callers,
      Duration statsTimeout) {
    this.system = system;
    this.entityTypes = entityTypes;
    this.callers = callers;
    this.statsTimeout = statsTimeout;
  }

  public Route route() {
    return path(
        segment("api").slash("v1").slash("cluster"),
        () ->
            get(
                () ->
                    callers.operations(
                        caller ->
                            completeWithFuture(clusterJson().thenApply(OperationsRoutes::json)))));
  }

  private CompletionStage<Map<String, Object>> clusterJson() {
    ClusterEvent.CurrentClusterState state = Cluster.get(system).state();
    Map<String, CompletableFuture<ShardRegion.ClusterShardingStats>> stats = new LinkedHashMap<>();
    entityTypes.forEach((name, key) -> stats.put(name, shardingStats(key)));
    return CompletableFuture.allOf(stats.values().toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<Map<String, Object>> members = new ArrayList<>();
              for (Member m : state.getMembers()) members.add(member(m, state, stats));
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("self", Cluster.get(system).selfMember().address().toString());
              body.put("leader", state.getLeader() == null ? null : state.getLeader().toString());
              body.put("members", members);
              body.put(
                  "unreachable",
                  state.getUnreachable().stream()
                      .map(u -> u.address().toString())
                      .sorted()
                      .toList());
              body.put("settings", ClusterSettingsView.of(system));
              return body;
            });
  }

  private static Map<String, Object> member(
      Member m,
      ClusterEvent.CurrentClusterState state,
      Map<String, CompletableFuture<ShardRegion.ClusterShardingStats>> stats) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("address", m.address().toString());
    view.put("status", m.status().toString());
    view.put("roles", m.getRoles().stream().filter(r -> !r.startsWith("dc-")).sorted().toList());
    view.put("app_version", m.appVersion().toString());
    view.put(
        "reachable",
        state.getUnreachable().stream().noneMatch(u -> u.address().equals(m.address())));
    Map<String, Object> shards = new LinkedHashMap<>();
    stats.forEach((name, future) -> shards.put(name, hosted(future.join(), m.address())));
    view.put("shards", shards);
    return view;
  }

  /** Shards and entities of one type on one member; null when its member did not answer in time. */
  private static Map<String, Object> hosted(
      ShardRegion.ClusterShardingStats stats, Address address) {
    ShardRegion.ShardRegionStats region = stats.getRegions().get(address);
    if (region == null) return null;
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("shards", region.getStats().size());
    counts.put(
        "entities",
        region.getStats().values().stream().mapToInt(v -> ((Number) v).intValue()).sum());
    counts.put(
        "shard_ids", region.getStats().keySet().stream().sorted(ClusterRoutes::byNumber).toList());
    return counts;
  }

  /** Shard ids are numbers (hash modulo the number of shards): listed in numeric order. */
  private static int byNumber(String a, String b) {
    return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
  }

  private CompletableFuture<ShardRegion.ClusterShardingStats> shardingStats(EntityTypeKey<?> key) {
    return AskPattern
        .<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery,
            ShardRegion.ClusterShardingStats>
            ask(
                ClusterSharding.get(system).shardState(),
                replyTo -> new GetClusterShardingStats(key, statsTimeout, replyTo),
                statsTimeout.plusSeconds(1),
                system.scheduler())
        .toCompletableFuture()
        .exceptionally(
            e ->
                new ShardRegion.ClusterShardingStats(
                    scala.collection.immutable.Map$.MODULE$.empty()));
  }
}
