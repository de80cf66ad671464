package io.marketgate.app.provider;

import io.marketgate.app.config.ProviderSettings;
import io.marketgate.app.config.RetryBudgetSettings;
import io.marketgate.persistence.dlq.RetryBudget;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.SymbolProtocol;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Dead-letter retries on this node may use {@code share} of each provider's rate limit, divided by
 * the Up gateway nodes (so the cluster as a whole stays within the share). One token bucket per
 * provider, refilled continuously; a retry of a key takes one token from every provider its dataset
 * may call, or none.
 */
public final class ProviderRetryBudget implements RetryBudget {
  private static final Duration WAIT = Duration.ofMillis(500);

  private final Map<String, Bucket> buckets = new HashMap<>();
  private final Function<Dataset, List<String>> plan;
  private final IntSupplier upGatewayNodes;
  private final LongSupplier nanoClock;

  private static final class Bucket {
    final double perMinuteForCluster;
    double tokens;
    long refilledAt;

    Bucket(double perMinuteForCluster, long now) {
      this.perMinuteForCluster = perMinuteForCluster;
      this.refilledAt = now;
    }
  }

  /**
   * @param providers the providers that may be called, by name
   * @param plan the providers a dataset calls
   */
  ProviderRetryBudget(
      Collection<ProviderSettings> providers,
      Function<Dataset, List<String>> plan,
      RetryBudgetSettings settings,
      IntSupplier upGatewayNodes,
      LongSupplier nanoClock) {
    this.plan = plan;
    this.upGatewayNodes = upGatewayNodes;
    this.nanoClock = nanoClock;
    long now = nanoClock.getAsLong();
    for (ProviderSettings p : providers) {
      int limit =
          p.rateLimitPerMinute() > 0 ? p.rateLimitPerMinute() : settings.unlimitedRatePerMinute();
      Bucket b = new Bucket(limit * settings.share(), now);
      b.tokens = 1;
      buckets.put(p.name(), b);
    }
  }

  public static ProviderRetryBudget start(
      ActorSystem<?> system, ProviderRegistry registry, RetryBudgetSettings settings) {
    Cluster cluster = Cluster.get(system);
    IntSupplier up =
        () -> {
          int n = 0;
          for (var m : cluster.state().getMembers()) {
            if (m.status() == MemberStatus.up() && m.hasRole(SymbolProtocol.SHARD_ROLE)) n++;
          }
          return Math.max(1, n);
        };
    return new ProviderRetryBudget(
        registry.all().stream().map(ProviderRegistry.Provider::settings).toList(),
        dataset -> registry.planFor(dataset).stream().map(ProviderHandle::name).toList(),
        settings,
        up,
        System::nanoTime);
  }

  @Override
  public synchronized boolean tryAcquire(FetchKey key) {
    List<Bucket> needed = plan.apply(key.dataset()).stream().map(buckets::get).toList();
    long now = nanoClock.getAsLong();
    int nodes = upGatewayNodes.getAsInt();
    for (Bucket b : needed) refill(b, now, nodes);
    for (Bucket b : needed) {
      if (b.tokens < 1) return false;
    }
    for (Bucket b : needed) b.tokens -= 1;
    return true;
  }

  @Override
  public Duration retryAfter() {
    return WAIT;
  }

  private static void refill(Bucket b, long now, int nodes) {
    double perMinute = b.perMinuteForCluster / nodes;
    double capacity = Math.max(1, perMinute / 6);
    b.tokens = Math.min(capacity, b.tokens + (now - b.refilledAt) / 60e9 * perMinute);
    b.refilledAt = now;
  }
}
