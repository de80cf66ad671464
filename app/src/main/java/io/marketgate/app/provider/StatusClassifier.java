package io.marketgate.app.provider;

import io.marketgate.protocol.ProviderErrorCode;
import java.util.Optional;

/** The error code an HTTP status alone implies, for providers whose body adds nothing better. */
public final class StatusClassifier {
  private StatusClassifier() {}

  /** Empty for 2xx; otherwise the error the status means. */
  public static Optional<ProviderErrorCode> classify(int status) {
    if (status >= 200 && status < 300) return Optional.empty();
    if (status == 401 || status == 403) return Optional.of(ProviderErrorCode.UNAUTHORIZED);
    if (status == 404) return Optional.of(ProviderErrorCode.NOT_FOUND);
    if (status == 429) return Optional.of(ProviderErrorCode.RATE_LIMIT);
    if (status == 408 || status == 504) return Optional.of(ProviderErrorCode.TIMEOUT);
    if (status >= 500) return Optional.of(ProviderErrorCode.NETWORK_ERROR);
    return Optional.of(ProviderErrorCode.INVALID_RESPONSE);
  }
}
