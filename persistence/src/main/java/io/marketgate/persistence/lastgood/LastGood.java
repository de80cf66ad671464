package io.marketgate.persistence.lastgood;

import io.marketgate.protocol.FetchKey;

/** The last value a provider gave for a key: served stale when nothing fresher can be had. */
public record LastGood(
    FetchKey key,
    byte[] data,
    String source,
    boolean fallback,
    long fetchedAtMillis,
    double confidence) {}
