package io.marketgate.app.provider;

import io.marketgate.protocol.CborSerializable;

/**
 * Key health shared by every node over the cluster topic {@value #TOPIC}: when one node's call
 * finds a key rate-limited or rejected, the others stop using it too. Keys travel only as
 * fingerprints.
 */
public final class KeyEvents {
  public static final String TOPIC = "provider-key-events";

  private KeyEvents() {}

  /**
   * @param coolingUntilMillis when the key may be used again (0: not cooling)
   * @param disabledReason the provider's rejection, or null
   */
  public record KeyChanged(
      String provider, String fingerprint, long coolingUntilMillis, String disabledReason)
      implements CborSerializable {}
}
