package io.marketgate.app.sim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * Which key a simulated call came with, as a short salted hash: enough to tell apart the nodes of a
 * test cluster given different keys, while the call log (served without authentication) never holds
 * anything of a key. The salt is drawn once per simulator process, so tags compare only within one.
 */
final class CallerTag {
  private static final List<String> KEY_PARAMETERS =
      List.of("apikey", "api_key", "apiKey", "token");
  private static final List<String> KEY_HEADERS = List.of("X-Api-Key", "Authorization");
  private static final byte[] SALT = salt();

  private CallerTag() {}

  /** The tag of the request's key, or "" when it came without one. */
  static String of(HttpRequest request) {
    Optional<String> key = Optional.empty();
    for (String name : KEY_PARAMETERS) {
      key = key.or(() -> request.getUri().query().get(name));
    }
    for (String name : KEY_HEADERS) {
      key = key.or(() -> request.getHeader(name).map(HttpHeader::value));
    }
    return key.filter(k -> !k.isBlank()).map(CallerTag::hash).orElse("");
  }

  private static byte[] salt() {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    return salt;
  }

  private static String hash(String key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(SALT);
      byte[] digest = sha.digest(key.trim().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
