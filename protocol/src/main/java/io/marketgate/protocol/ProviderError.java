package io.marketgate.protocol;

/** One failed provider attempt, as reported to callers and queued for retries. Never holds secrets. */
public record ProviderError(String provider, ProviderErrorCode code, String message)
    implements CborSerializable {}
