package io.marketgate.protocol;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;

/**
 * Asks the sharded symbol entities from any JVM in the cluster. On a node without the {@link
 * SymbolProtocol#SHARD_ROLE} role this starts a sharding proxy: the entities run on the gateway
 * nodes, this node only routes to them.
 */
public final class MarketgateClient {
  private final ClusterSharding sharding;
  private final Duration budget;

  private MarketgateClient(ClusterSharding sharding, Duration budget) {
    this.sharding = sharding;
    this.budget = budget;
  }

  /**
   * @param budget the time the entity has to answer (the request deadline); the ask itself waits a
   *     little longer so the entity's own answer, stale or error, arrives rather than a timeout
   */
  public static MarketgateClient create(ActorSystem<?> system, Duration budget) {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(
        Entity.of(SymbolProtocol.ENTITY_KEY, ctx -> Behaviors.<SymbolProtocol.Command>empty())
            .withRole(SymbolProtocol.SHARD_ROLE));
    return new MarketgateClient(sharding, budget);
  }

  /** Fetches (or reads from cache) one dataset for a symbol with the dataset's default max age. */
  public CompletionStage<SymbolProtocol.Reply> get(FetchKey key) {
    return sharding
        .entityRefFor(SymbolProtocol.ENTITY_KEY, key.symbol())
        .ask(
            replyTo ->
                new SymbolProtocol.Get(
                    key,
                    SymbolProtocol.DEFAULT_MAX_AGE,
                    budget.toMillis(),
                    RequestOrigin.INTERNAL,
                    replyTo),
            budget.plusMillis(500));
  }

  /** The quote of a symbol; the symbol is validated and normalised first. */
  public CompletionStage<SymbolProtocol.Reply> quote(String symbol) {
    String normalised =
        Symbols.normalise(symbol)
            .orElseThrow(() -> new IllegalArgumentException("not a valid symbol: " + symbol));
    return get(FetchKey.of(Dataset.QUOTE, normalised));
  }
}
