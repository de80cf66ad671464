package io.marketgate.app.symbol;

import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderError;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.SymbolProtocol.Answer;
import java.util.List;

/** The one place an {@link Answer} is made: fresh, from a cache, or stale. */
public final class Answers {
  private Answers() {}

  /** Just fetched for {@code key}; {@code coalesced} for a request that joined the fetch. */
  public static Answer fetched(
      FetchKey key, FetchOutcome.Fetched f, long fetchedAtMillis, boolean coalesced) {
    return new Answer(
        key,
        f.data(),
        f.provider(),
        f.fallback(),
        false,
        false,
        fetchedAtMillis,
        f.confidence(),
        f.providersAttempted(),
        coalesced,
        f.circuitBreakerTriggered(),
        f.errors());
  }

  /** A young enough value served from a cache: no provider was asked for this request. */
  public static Answer cached(FetchKey key, StoredValue v) {
    return kept(key, v, false, v.confidence(), List.of(), false, List.of());
  }

  /** The same answer as a cache hit (what a node keeps for later requests). */
  public static Answer asCached(Answer a) {
    if (a.cached() && a.providersAttempted().isEmpty() && !a.coalesced() && a.errors().isEmpty())
      return a;
    return cached(
        a.key(),
        new StoredValue(a.data(), a.source(), a.fallback(), a.fetchedAtMillis(), a.confidence()));
  }

  /**
   * An older value served because no provider could answer ({@code attempted}, {@code errors}): it
   * carries half the confidence the value had when fresh.
   */
  public static Answer stale(
      FetchKey key,
      StoredValue v,
      List<String> attempted,
      List<ProviderError> errors,
      boolean coalesced) {
    return kept(key, v, true, v.confidence() / 2, attempted, coalesced, errors);
  }

  private static Answer kept(
      FetchKey key,
      StoredValue v,
      boolean stale,
      double confidence,
      List<String> attempted,
      boolean coalesced,
      List<ProviderError> errors) {
    return new Answer(
        key,
        v.data(),
        v.source(),
        v.fallback(),
        true,
        stale,
        v.fetchedAtMillis(),
        confidence,
        attempted,
        coalesced,
        errors.stream().anyMatch(e -> e.code() == ProviderErrorCode.CIRCUIT_OPEN),
        errors);
  }
}
