package io.marketgate.app.cluster;

import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.app.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What an operator learns from the key material between Pekko's reloads. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CertificateWatchTest {
  private ActorTestKit kit;

  @BeforeAll
  void start() {
    kit = ActorTestKit.create();
  }

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void reportsTheExpiryOfUsableMaterial() {
    Path dir = TestCertificates.cluster().issue("watched");
    List<Instant> expiries = new ArrayList<>();
    var watch = new CertificateWatch(dir, Clock.systemUTC(), expiries::add);
    assertEquals(CertificateWatch.Outcome.USABLE, watch.check());
    assertEquals(1, expiries.size());
    // dev-certs issues for 825 days.
    assertTrue(expiries.get(0).isAfter(Instant.now().plus(Duration.ofDays(800))));
  }

  @Test
  void warnsTwoWeeksBeforeExpiry() {
    Path dir = TestCertificates.cluster().issue("expiring");
    List<Instant> expiries = new ArrayList<>();
    var now = new CertificateWatch(dir, Clock.systemUTC(), expiries::add);
    now.check();
    Clock nearExpiry = Clock.fixed(expiries.get(0).minus(Duration.ofDays(10)), ZoneOffset.UTC);
    var later = new CertificateWatch(dir, nearExpiry, i -> {});
    LoggingTestKit.warn("expires at")
        .expect(
            kit.system(),
            () -> {
              assertEquals(CertificateWatch.Outcome.EXPIRES_SOON, later.check());
              return null;
            });
  }

  @Test
  void aBadRotationIsAnErrorBeforeTheNextHandshake() throws Exception {
    Path dir = TestCertificates.cluster().issue("rotated-badly");
    Path other = TestCertificates.cluster().issue("someone-else");
    Files.copy(
        other.resolve("tls.key"),
        dir.resolve("tls.key"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    List<Instant> expiries = new ArrayList<>();
    var watch = new CertificateWatch(dir, Clock.systemUTC(), expiries::add);
    LoggingTestKit.error("the next handshakes will refuse")
        .expect(
            kit.system(),
            () -> {
              assertEquals(CertificateWatch.Outcome.UNUSABLE, watch.check());
              return null;
            });
    assertTrue(expiries.isEmpty());
  }
}
