package io.marketgate.app.caller;

import io.marketgate.persistence.quota.LeaseHolder;
import io.marketgate.persistence.quota.QuotaLimits;
import io.marketgate.persistence.quota.QuotaSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Requests per minute per client, cluster-wide: each node holds a lease of permits per client from
 * the client's {@link RequestRateEntity}; a request takes a local permit (no network) or waits for
 * the next lease. A profile without a limit costs nothing. When the client's entity cannot answer
 * in time (it is starting or moving), requests pass: throttling fails open.
 */
public final class ClientThrottle {
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final QuotaSettings settings;
  private final Map<String, LeaseHolder> holders = new ConcurrentHashMap<>();

  private ClientThrottle(ActorSystem<?> system, QuotaSettings settings) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.settings = settings;
  }

  /**
   * @param window the window of every profile's rate limit
   */
  public static ClientThrottle start(
      ActorSystem<?> system, QuotaSettings settings, Duration window, String shardRole) {
    ClientThrottle throttle = new ClientThrottle(system, settings);
    RequestRateEntity.init(system, settings, window, shardRole);
    return throttle;
  }

  /** A permit this node already holds for the caller (or no limit at all): the hot path. */
  public boolean tryLocal(Caller caller) {
    return caller.profile().requestsPerMinute() == 0 || holder(caller).tryTakeLocal();
  }

  /**
   * A permit, asking the client's entity when needed; refused with a retry time when the client is
   * over its limit.
   */
  public CompletionStage<LeaseHolder.Decision> acquire(Caller caller, Duration maxWait) {
    return holder(caller).acquire(maxWait);
  }

  private LeaseHolder holder(Caller caller) {
    return holders.computeIfAbsent(
        caller.clientId(),
        id -> {
          int limit = caller.profile().requestsPerMinute();
          return LeaseHolder.failOpen(
              (permits, timeout) ->
                  AskPattern.ask(
                      sharding.entityRefFor(RequestRateEntity.ENTITY_KEY, id),
                      replyTo -> new RequestRateEntity.Take(permits, limit, replyTo),
                      timeout,
                      system.scheduler()),
              new QuotaLimits(limit, 0).leaseSize(),
              settings,
              Clock.systemUTC());
        });
  }
}
