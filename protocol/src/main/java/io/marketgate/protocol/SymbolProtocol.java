package io.marketgate.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The contract of the sharded per-symbol entity: one entity per normalised symbol (or series id)
 * owns the cache of every dataset for it and coalesces concurrent fetches of the same key.
 */
public final class SymbolProtocol {
  private SymbolProtocol() {}

  /** Sharding type key of the symbol entities; the entity id is the normalised symbol. */
  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Symbol");

  /** Cluster role of the nodes that host symbol (and DLQ) shards; other roles only proxy. */
  public static final String SHARD_ROLE = "gateway";

  /** Means "the dataset's configured max age" in {@link Get#maxAgeMillis()}. */
  public static final long DEFAULT_MAX_AGE = -1;

  public sealed interface Command extends CborSerializable
      permits Get, Refetch, BatchClaim, LocalCommand {}

  /**
   * The messages of a multi-symbol call that claims the fetch of keys from their entities: {@link
   * BatchGet} asks and claims, {@link Deliver} hands the claimed result back.
   */
  public sealed interface BatchClaim extends Command permits BatchGet, Deliver {}

  /**
   * Messages an entity sends itself or receives from its own node (fetch completions, the stop
   * message). They never cross the network, so the implementation defines them.
   */
  public non-sealed interface LocalCommand extends Command {}

  /**
   * Answer from cache when an entry is younger than {@code maxAgeMillis} (or the dataset's max age
   * when {@link #DEFAULT_MAX_AGE}); otherwise fetch, joining a fetch already in flight for the key.
   * The entity answers within {@code budgetMillis} of receiving this.
   */
  public record Get(
      FetchKey key,
      long maxAgeMillis,
      long budgetMillis,
      RequestOrigin origin,
      ActorRef<Reply> replyTo)
      implements Command {}

  /**
   * Fetch the key now, whatever is cached (joining a fetch in flight), and refresh the cache on
   * success. Used by dead-letter retries; a failure is reported to the sender and not queued again.
   */
  public record Refetch(
      FetchKey key, long budgetMillis, RequestOrigin origin, ActorRef<Reply> replyTo)
      implements Command {}

  /**
   * A {@link Get} on behalf of a multi-symbol call: a fresh cached value or a fetch in flight
   * answers {@code replyTo} as usual; otherwise the entity leaves the fetch to the sender, tells
   * {@code claims} so ({@link Claimed}), and answers {@code replyTo} when the sender {@link
   * Deliver}s the result. Every BatchGet gets exactly one {@link Claimed} (claimId 0: not claimed).
   * A claim not delivered within the budget is fetched by the entity itself.
   */
  public record BatchGet(
      FetchKey key,
      long maxAgeMillis,
      long budgetMillis,
      RequestOrigin origin,
      ActorRef<Reply> replyTo,
      ActorRef<Claimed> claims)
      implements BatchClaim {}

  /** {@code claimId} &gt; 0: the sender must fetch the key and deliver it under that id. */
  public record Claimed(FetchKey key, long claimId) implements CborSerializable {}

  /**
   * The result of a claimed fetch: {@link Delivered} data, or {@link NotDelivered}, after which the
   * entity tries the dataset's other providers; either way with the providers the sender tried.
   */
  public record Deliver(
      FetchKey key,
      long claimId,
      Delivery delivery,
      List<String> providersAttempted,
      List<ProviderError> errors)
      implements BatchClaim {}

  /** What a batch sender delivers for a claimed key. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = Delivered.class, name = "delivered"),
    @JsonSubTypes.Type(value = NotDelivered.class, name = "not-delivered")
  })
  public sealed interface Delivery extends CborSerializable permits Delivered, NotDelivered {}

  /** {@code provider} answered: {@code data} is the normalised record encoded as JSON. */
  public record Delivered(String provider, byte[] data, double confidence) implements Delivery {}

  /** The sender's call did not answer the key. */
  public record NotDelivered() implements Delivery {}

  public sealed interface Reply extends CborSerializable permits Answer, NotFound, Unavailable {
    FetchKey key();

    List<String> providersAttempted();

    List<ProviderError> errors();
  }

  /**
   * Data for the key. {@code data} is the normalised record already encoded as JSON (never modified
   * once created). {@code fallback} is true when a provider other than the dataset's first
   * answered; {@code cached} when no provider was asked for this reply; {@code stale} when the
   * value is older than the max age asked for and is served because no provider could answer.
   */
  public record Answer(
      FetchKey key,
      byte[] data,
      String source,
      boolean fallback,
      boolean cached,
      boolean stale,
      long fetchedAtMillis,
      double confidence,
      List<String> providersAttempted,
      boolean coalesced,
      boolean circuitBreakerTriggered,
      List<ProviderError> errors)
      implements Reply {

    /** {@code cache}, the provider's name, or {@code <provider>_fallback}. */
    public String providerUsed() {
      if (cached) return "cache";
      return fallback ? source + "_fallback" : source;
    }
  }

  /** Every provider that answered says the symbol does not exist. */
  public record NotFound(FetchKey key, List<String> providersAttempted, List<ProviderError> errors)
      implements Reply {}

  /** No provider could answer and nothing is cached to serve stale. */
  public record Unavailable(
      FetchKey key, List<String> providersAttempted, List<ProviderError> errors) implements Reply {}
}
