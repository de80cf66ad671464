package io.marketgate.protocol;

/**
 * One failed provider attempt, as reported to callers and queued for retries. Never holds secrets.
 *
 * @param local decided by the gateway without asking the provider (open breaker, request quota used
 *     up, every key resting): it says nothing about the provider or the symbol
 */
public record ProviderError(String provider, ProviderErrorCode code, String message, boolean local)
    implements CborSerializable {

  public ProviderError(String provider, ProviderErrorCode code, String message) {
    this(provider, code, message, false);
  }
}
