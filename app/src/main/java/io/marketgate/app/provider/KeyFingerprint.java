package io.marketgate.app.provider;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The name a credential goes by outside its holder: a SHA-256 prefix, stable across nodes and
 * restarts, from which the key cannot be recovered.
 */
public final class KeyFingerprint {
  private KeyFingerprint() {}

  public static String of(String secret) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
