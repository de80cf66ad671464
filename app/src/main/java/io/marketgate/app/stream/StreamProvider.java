package io.marketgate.app.stream;

import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A provider whose stream the cluster can open, with the credential this node holds for it: what
 * the owner of the connection needs to build it again on any node.
 */
public interface StreamProvider {
  /** The provider's name, as in configuration and in every event's {@code source}. */
  String name();

  /** The credential's fingerprint (a hash prefix): names the connection, never reveals the key. */
  String credential();

  /**
   * A new connection for this credential, not yet running.
   *
   * @param onReconnect called each time a dropped connection is opened again
   */
  UpstreamSource open(ActorSystem<?> system, Runnable onReconnect);
}
