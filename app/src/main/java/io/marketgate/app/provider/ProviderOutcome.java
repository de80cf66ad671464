package io.marketgate.app.provider;

import io.marketgate.protocol.ProviderError;
import io.marketgate.protocol.ProviderErrorCode;
import java.time.Duration;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;

/** How one provider attempt ended. Node-local: it never crosses the network. */
public sealed interface ProviderOutcome extends NoSerializationVerificationNeeded {

  /** Normalised data: the record and its JSON encoding (what caches keep). */
  record Fetched(String provider, Object record, byte[] data) implements ProviderOutcome {}

  /**
   * @param retryAfter when the provider says the key may be used again, or null
   */
  record Failed(ProviderError error, Duration retryAfter) implements ProviderOutcome {
    public Failed(ProviderError error) {
      this(error, null);
    }

    /** Decided here without asking the provider (see {@link ProviderError#local}). */
    public boolean local() {
      return error.local();
    }
  }

  static Failed failed(String provider, ProviderErrorCode code, String message) {
    return new Failed(new ProviderError(provider, code, message));
  }

  static Failed failed(
      String provider, ProviderErrorCode code, String message, Duration retryAfter) {
    return new Failed(new ProviderError(provider, code, message), retryAfter);
  }

  /** Decided on this node without a call (breaker, quota, keys). */
  static Failed refused(String provider, ProviderErrorCode code, String message) {
    return new Failed(new ProviderError(provider, code, message, true));
  }

  /**
   * The cluster-wide request quota of the provider is used up for now: a RATE_LIMIT without a call.
   */
  static Failed quotaExhausted(String provider) {
    return refused(provider, ProviderErrorCode.RATE_LIMIT, "request quota reached; no call sent");
  }
}
