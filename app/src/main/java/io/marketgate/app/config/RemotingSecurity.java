package io.marketgate.app.config;

import com.typesafe.config.Config;
import io.marketgate.protocol.ClusterTls;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How this node's cluster remoting (Artery) is secured, decided before the actor system exists: TLS
 * with mutual authentication from {@code MARKETGATE_TLS_DIR}, or plain TCP only for the embedded
 * default, a one-node cluster ({@code self}) on a loopback address that no other machine can reach.
 * Any other node refuses to start without key material: every JVM that reaches an open remoting
 * port could join and ask entities past keys, rights, throttling and audit.
 */
public final class RemotingSecurity {
  private RemotingSecurity() {}

  /** The node's configuration for its remoting, and a line saying what it is. */
  public record Remoting(Config config, String description) {}

  /**
   * @param config the node's resolved configuration
   * @throws IllegalArgumentException when key material is required and missing or unusable
   */
  public static Remoting of(Config config) {
    Config tls = config.getConfig("marketgate.cluster.tls");
    String directory = tls.getString("dir").trim();
    String host = config.getString("pekko.remote.artery.canonical.hostname");
    // Artery listens on the bind host, the canonical one when unset: both must be loopback.
    String bind = config.getString("pekko.remote.artery.bind.hostname").trim();
    String listening = bind.isEmpty() ? host : bind;
    Discovery discovery =
        Discovery.parse(
            config.getString("marketgate.cluster.discovery"),
            !config.getString("marketgate.cluster.seed-nodes").isBlank());
    if (directory.isEmpty()) {
      if (discovery == Discovery.SELF && isLoopback(host) && isLoopback(listening))
        return new Remoting(
            config, "plain TCP on " + host + " (a one-node cluster that only this host reaches)");
      throw new IllegalArgumentException(
          "cluster remoting needs TLS key material: "
              + (discovery != Discovery.SELF
                  ? "MARKETGATE_DISCOVERY is " + discovery.name().toLowerCase().replace('_', '-')
                  : "the remoting host "
                      + (isLoopback(host) ? listening : host)
                      + " is not a loopback address")
              + ", so other JVMs can reach this node's remoting port. Set MARKETGATE_TLS_DIR to a"
              + " directory with tls.key, tls.crt and ca.crt (a kubernetes.io/tls Secret;"
              + " scripts/dev-certs.sh makes throwaway ones, README \"Cluster security\")");
    }
    Duration reload = tls.getDuration("reload-interval");
    ConfigValues.require(
        !reload.isNegative() && !reload.isZero(),
        "MARKETGATE_TLS_RELOAD_INTERVAL must be positive, not " + reload);
    ClusterTls.KeyMaterial material;
    try {
      material = ClusterTls.check(Path.of(directory));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("MARKETGATE_TLS_DIR: " + e.getMessage(), e);
    }
    return new Remoting(
        ClusterTls.remoting(Path.of(directory), reload).withFallback(config),
        "TLS with mutual authentication, certificate "
            + material
            + ", re-read every "
            + reload.toSeconds()
            + " s");
  }

  private static boolean isLoopback(String host) {
    try {
      return !host.isBlank() && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
