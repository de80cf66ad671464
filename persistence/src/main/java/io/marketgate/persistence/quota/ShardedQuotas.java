package io.marketgate.persistence.quota;

import io.marketgate.persistence.db.Database;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The cluster-wide request quotas: one sharded {@link QuotaEntity} per limited provider (started
 * once the journal's schema exists) and, on each node, a {@link LeasedQuota} per provider.
 */
public final class ShardedQuotas {
  private final ActorSystem<?> system;
  private final QuotaSettings settings;
  private final Map<String, QuotaLimits> limits;
  private final CompletableFuture<Void> started = new CompletableFuture<>();

  private ShardedQuotas(
      ActorSystem<?> system, QuotaSettings settings, Map<String, QuotaLimits> limits) {
    this.system = system;
    this.settings = settings;
    this.limits = Map.copyOf(limits);
  }

  /**
   * @param limits each provider's limits; providers without limits get no entity and no checks
   */
  public static ShardedQuotas start(
      ActorSystem<?> system,
      Database database,
      QuotaSettings settings,
      Map<String, QuotaLimits> limits,
      String shardRole) {
    ShardedQuotas quotas = new ShardedQuotas(system, settings, limits);
    database
        .ready()
        .thenRun(
            () -> {
              QuotaEntity.init(system, quotas.limits, settings, shardRole);
              quotas.started.complete(null);
            });
    return quotas;
  }

  /** The quota of {@code provider} on this node. */
  public ProviderQuota of(String provider) {
    QuotaLimits l = limits.get(provider);
    if (l == null || l.unlimited()) return ProviderQuota.UNLIMITED;
    ClusterSharding sharding = ClusterSharding.get(system);
    LeaseHolder holder =
        new LeaseHolder(
            (permits, timeout) ->
                AskPattern.ask(
                    sharding.entityRefFor(QuotaEntity.ENTITY_KEY, provider),
                    replyTo -> new QuotaEntity.Acquire(permits, replyTo),
                    timeout,
                    system.scheduler()),
            l.leaseSize(),
            settings,
            started,
            Clock.systemUTC());
    return maxWait -> holder.acquire(maxWait).thenApply(LeaseHolder.Decision::granted);
  }
}
