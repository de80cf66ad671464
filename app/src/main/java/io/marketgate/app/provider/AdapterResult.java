package io.marketgate.app.provider;

import io.marketgate.protocol.ProviderErrorCode;

/** What an adapter made of a provider's answer: a normalised record, or why it could not. */
public sealed interface AdapterResult {

  record Success(Object record) implements AdapterResult {}

  record Failure(ProviderErrorCode code, String message) implements AdapterResult {}

  static AdapterResult failure(ProviderErrorCode code, String message) {
    return new Failure(code, message);
  }
}
