package io.marketgate.app.stream;

/** Where a provider's stream connection stands, for the admin API. */
public sealed interface UpstreamState {
  /** As the admin API spells it. */
  String wireName();

  /** Opening a connection (the first, or again after it dropped). */
  record Connecting(int attempt) implements UpstreamState {
    public String wireName() {
      return "connecting";
    }
  }

  /** Authenticated and streaming. */
  record Live() implements UpstreamState {
    public String wireName() {
      return "live";
    }
  }

  /** The provider refused the credential: no retry until it changes. */
  record KeyRejected(String message) implements UpstreamState {
    public String wireName() {
      return "key_rejected";
    }
  }

  /** The IBKR gateway's brokerage session is not logged in; retried with backoff. */
  record NotAuthenticated(String message) implements UpstreamState {
    public String wireName() {
      return "not_authenticated";
    }
  }

  /** Another connection holds the credential's only slot; retried with backoff. */
  record ConnectionLimit(String message) implements UpstreamState {
    public String wireName() {
      return "connection_limit";
    }
  }
}
