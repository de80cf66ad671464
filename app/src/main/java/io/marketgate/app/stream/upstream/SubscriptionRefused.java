package io.marketgate.app.stream.upstream;

/** A stream subscription the provider's limits, its key's state or configuration refused. */
public final class SubscriptionRefused extends RuntimeException {
  public SubscriptionRefused(String reason) {
    super(reason, null, false, false);
  }
}
