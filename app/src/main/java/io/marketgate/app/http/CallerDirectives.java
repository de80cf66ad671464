package io.marketgate.app.http;

import io.marketgate.protocol.RequestOrigin;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The seam where callers are identified and checked. Every data route goes through {@link
 * #withCaller} and every operations route through {@link #operations}; the rights issue replaces
 * their bodies with the X-API-Key lookup, rights profiles and throttling.
 */
final class CallerDirectives {
  /** Who is asking: a client id and its rights profile. */
  record Caller(String clientId, String profile) {
    RequestOrigin origin() {
      return new RequestOrigin(clientId, profile);
    }
  }

  static final Caller ANONYMOUS = new Caller("anonymous", "basic");

  private CallerDirectives() {}

  /** Data routes: for now every caller is the anonymous {@code basic} client. */
  static Route withCaller(Function<Caller, Route> inner) {
    return inner.apply(ANONYMOUS);
  }

  /** Operations routes: open until admin keys exist (see README, "Security"). */
  static Route operations(Function<Caller, Route> inner) {
    return inner.apply(ANONYMOUS);
  }
}
