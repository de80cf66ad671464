package io.marketgate.app;

import org.apache.pekko.actor.CoordinatedShutdown;

/**
 * Why a node stops before it served: the JVM exits with status 2 (cluster.conf's reason override),
 * so that a supervisor (Kubernetes, systemd, a script) sees a failed start rather than a clean
 * exit.
 */
public enum StartupFailure implements CoordinatedShutdown.Reason {
  INSTANCE
}
