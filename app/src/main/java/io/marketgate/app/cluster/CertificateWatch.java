package io.marketgate.app.cluster;

import com.typesafe.config.Config;
import io.marketgate.protocol.ClusterTls;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the cluster's TLS key material again as often as Pekko reloads it, so that operators see
 * what the next handshakes will use before they fail: the certificate's expiry (a metric to alert
 * on), a warning when it expires within {@link #WARN_BEFORE}, and an error when the files would no
 * longer be accepted (a bad rotation: wrong key, another CA, a missing file).
 */
public final class CertificateWatch {
  private static final Logger LOG = LoggerFactory.getLogger(CertificateWatch.class);
  static final Duration WARN_BEFORE = Duration.ofDays(14);

  private final Path directory;
  private final Clock clock;
  private final Consumer<Instant> expiry;

  CertificateWatch(Path directory, Clock clock, Consumer<Instant> expiry) {
    this.directory = directory;
    this.clock = clock;
    this.expiry = expiry;
  }

  /** Watches the key material on the JDBC dispatcher (file reads block) when remoting runs TLS. */
  public static void start(ActorSystem<?> system, Consumer<Instant> expiry) {
    Config config = system.settings().config();
    if (!config.getString("pekko.remote.artery.transport").equals("tls-tcp")) return;
    CertificateWatch watch =
        new CertificateWatch(
            Path.of(config.getString("marketgate.cluster.tls.dir")), Clock.systemUTC(), expiry);
    Executor blocking =
        system.dispatchers().lookup(DispatcherSelector.fromConfig("marketgate.jdbc-dispatcher"));
    Duration every = config.getDuration("marketgate.cluster.tls.reload-interval");
    system
        .scheduler()
        .scheduleAtFixedRate(
            Duration.ZERO, every, () -> blocking.execute(watch::check), system.executionContext());
  }

  /** One look at the files; returns what it found, for tests. */
  Outcome check() {
    ClusterTls.KeyMaterial material;
    try {
      material = ClusterTls.check(directory);
    } catch (IllegalArgumentException e) {
      LOG.error(
          "The cluster's TLS key material changed into something the next handshakes will"
              + " refuse: {}",
          e.getMessage());
      return Outcome.UNUSABLE;
    }
    expiry.accept(material.notAfter());
    if (material.notAfter().isBefore(clock.instant().plus(WARN_BEFORE))) {
      LOG.warn(
          "The cluster certificate {} expires at {}: renew it (docs/OPERATIONS.md, \"Cluster"
              + " certificates\")",
          material.subject(),
          material.notAfter());
      return Outcome.EXPIRES_SOON;
    }
    return Outcome.USABLE;
  }

  enum Outcome {
    USABLE,
    EXPIRES_SOON,
    UNUSABLE
  }
}
