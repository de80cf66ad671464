package io.marketgate.app.caller;

import io.marketgate.protocol.RequestOrigin;

/** Who is asking: a client id (never its key) and its profile. */
public record Caller(String clientId, Profile profile) {
  public static final String ANONYMOUS = "anonymous";

  public RequestOrigin origin() {
    return new RequestOrigin(clientId, profile.name());
  }
}
