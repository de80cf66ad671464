package io.marketgate.app.provider;

import io.marketgate.protocol.ProviderErrorCode;
import java.time.Duration;

/**
 * What an adapter made of a provider's answer: a normalised record, why it could not, or the next
 * request the same attempt must send (a provider that answers in several steps).
 */
public sealed interface AdapterResult {

  record Success(Object record) implements AdapterResult {}

  /**
   * @param retryAfter when the provider says the key may be used again (rate limits), or null
   */
  record Failure(ProviderErrorCode code, String message, Duration retryAfter)
      implements AdapterResult {
    public Failure(ProviderErrorCode code, String message) {
      this(code, message, null);
    }
  }

  /**
   * Send {@code next} after {@code delay} as part of the same attempt (within its timeout) and
   * parse its answer, e.g. a lookup before the data call, or polling until data is ready.
   */
  record FollowUp(ProviderRequest next, Duration delay) implements AdapterResult {}

  static AdapterResult failure(ProviderErrorCode code, String message) {
    return new Failure(code, message);
  }

  static AdapterResult rateLimited(String message, Duration retryAfter) {
    return new Failure(ProviderErrorCode.RATE_LIMIT, message, retryAfter);
  }
}
