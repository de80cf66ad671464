package io.marketgate.persistence.dlq;

import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.SymbolProtocol;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * How a dead letter's retry fetches its key anew: through the symbol's entity, so the same plan,
 * breakers and quotas apply and a success refreshes its cache (or, while that entity's member is
 * unreachable, directly on this node). The stage completes with the entity's reply, or fails when
 * no answer came within {@code budget}.
 */
@FunctionalInterface
public interface Refetcher {
  CompletionStage<SymbolProtocol.Reply> refetch(FetchKey key, Duration budget);
}
