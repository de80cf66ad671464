package io.marketgate.app.caller;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Who presents an {@code X-API-Key}: keys are kept only as SHA-256 digests and compared in constant
 * time (every configured digest is compared, whatever matches); a client is known by an id derived
 * from its key's digest (or its configured name), never by the key.
 */
public final class CallerRegistry {

  /** The answer to a key, or to no key. */
  public sealed interface Authentication {}

  public record Authenticated(Caller caller) implements Authentication {}

  /** 401: {@code detail} says why, without echoing the key. */
  public record Rejected(String detail) implements Authentication {}

  private record Known(byte[] digest, Caller caller) {}

  private final List<Known> clients = new ArrayList<>();
  private final Optional<Caller> anonymous;

  public CallerRegistry(CallerSettings settings) {
    for (CallerSettings.ClientEntry c : settings.clients()) {
      byte[] digest = sha256(c.key());
      String id = c.name().orElse("client-" + HexFormat.of().formatHex(digest, 0, 4));
      clients.add(new Known(digest, new Caller(id, settings.profiles().get(c.profile()))));
    }
    this.anonymous = settings.anonymous().map(p -> new Caller(Caller.ANONYMOUS, p));
  }

  /**
   * @param keys the values of every {@code X-API-Key} header of the request
   */
  public Authentication authenticate(List<String> keys) {
    if (keys.isEmpty()) {
      return anonymous
          .<Authentication>map(Authenticated::new)
          .orElse(new Rejected("an X-API-Key is required"));
    }
    if (keys.size() > 1) return new Rejected("exactly one X-API-Key header is expected");
    byte[] presented = sha256(keys.get(0));
    Caller found = null;
    for (Known k : clients) {
      if (MessageDigest.isEqual(presented, k.digest()) && found == null) found = k.caller();
    }
    return found != null ? new Authenticated(found) : new Rejected("unknown X-API-Key");
  }

  private static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
