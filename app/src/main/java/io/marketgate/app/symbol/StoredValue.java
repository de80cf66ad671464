package io.marketgate.app.symbol;

import io.marketgate.persistence.lastgood.LastGood;

/**
 * A value as kept (by an entity, or durably): the encoded normalised record and where it came from.
 */
public record StoredValue(
    byte[] data, String source, boolean fallback, long fetchedAtMillis, double confidence) {

  public static StoredValue of(LastGood g) {
    return new StoredValue(g.data(), g.source(), g.fallback(), g.fetchedAtMillis(), g.confidence());
  }
}
