package io.marketgate.app.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How long the node waits on its own actors and helpers ({@code marketgate.asks}); a data request's
 * own budget is the request deadline.
 *
 * @param providerReplyGrace past a provider attempt's timeout, for its actor's answer to arrive
 * @param batchReplyGrace past a multi-symbol call's timeout, for its actor's answer
 * @param operations an operations endpoint asking each provider actor for its status
 * @param clusterStats each member reporting its shards for {@code GET /api/v1/cluster}
 * @param throttleWait a data request waiting for a lease of its client's permits
 * @param spawn starting an application actor under the guardian
 * @param refetchReplyGrace past a dead letter's fetch budget, for the symbol entity's reply
 */
public record AskTimeouts(
    Duration providerReplyGrace,
    Duration batchReplyGrace,
    Duration operations,
    Duration clusterStats,
    Duration throttleWait,
    Duration spawn,
    Duration refetchReplyGrace) {

  public static AskTimeouts fromConfig(Config asks) {
    return new AskTimeouts(
        asks.getDuration("provider-reply-grace"),
        asks.getDuration("batch-reply-grace"),
        asks.getDuration("operations"),
        asks.getDuration("cluster-stats"),
        asks.getDuration("throttle-wait"),
        asks.getDuration("spawn"),
        asks.getDuration("refetch-reply-grace"));
  }
}
