package io.marketgate.app.provider;

import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import java.util.Set;

/**
 * Knows one provider's wire format: how a fetch key becomes a request and how an answer becomes a
 * normalised, validated record. Shared mechanics (HTTP, breaker, metrics) live in {@link
 * ProviderActor}; an adapter is a plain class without mutable state other than caches of facts
 * (such as a provider's id for a symbol).
 */
public interface ProviderAdapter {

  Set<Dataset> datasets();

  /** The request for {@code key}; {@code apiKey} may be empty when the provider is keyless. */
  ProviderRequest request(FetchKey key, String apiKey);

  /**
   * Classifies and parses an answer. May throw on anything unexpected: the provider actor turns
   * that into an {@code INVALID_RESPONSE} attempt.
   */
  AdapterResult parse(FetchKey key, int status, byte[] body);

  /**
   * The same, knowing which request was answered: adapters whose answers come in several steps
   * ({@link AdapterResult.FollowUp}) tell the steps apart by {@link ProviderRequest#endpoint}.
   */
  default AdapterResult parse(FetchKey key, ProviderRequest request, int status, byte[] body) {
    return parse(key, status, body);
  }
}
