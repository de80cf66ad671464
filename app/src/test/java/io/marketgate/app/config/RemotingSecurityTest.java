package io.marketgate.app.config;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.marketgate.app.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which nodes may run plain remoting, and what a node without usable key material is told. */
class RemotingSecurityTest {

  private static Config withEnv(Map<String, String> env) {
    return ConfigFactory.parseMap(env)
        .withFallback(ConfigFactory.parseResources("application.conf"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  private static String refusal(Map<String, String> env) {
    return assertThrows(IllegalArgumentException.class, () -> RemotingSecurity.of(withEnv(env)))
        .getMessage();
  }

  @Test
  void theEmbeddedOneNodeDefaultRunsWithoutKeyMaterial() {
    RemotingSecurity.Remoting remoting = RemotingSecurity.of(withEnv(Map.of()));
    assertEquals("tcp", remoting.config().getString("pekko.remote.artery.transport"));
    assertTrue(remoting.description().startsWith("plain TCP on 127.0.0.1"));
    RemotingSecurity.Remoting localhost =
        RemotingSecurity.of(withEnv(Map.of("MARKETGATE_REMOTE_HOST", "localhost")));
    assertEquals("tcp", localhost.config().getString("pekko.remote.artery.transport"));
  }

  @Test
  void everyOtherNodeNeedsKeyMaterial() {
    assertTrue(
        refusal(Map.of("MARKETGATE_SEED_NODES", "127.0.0.1:17355"))
            .startsWith(
                "cluster remoting needs TLS key material: MARKETGATE_DISCOVERY is seeds, so other"
                    + " JVMs can reach this node's remoting port. Set MARKETGATE_TLS_DIR"));
    assertTrue(
        refusal(Map.of("MARKETGATE_DISCOVERY", "kubernetes-api"))
            .contains("MARKETGATE_DISCOVERY is kubernetes-api"));
    assertTrue(
        refusal(Map.of("MARKETGATE_REMOTE_HOST", "10.1.2.3"))
            .contains("the remoting host 10.1.2.3 is not a loopback address"));
    assertTrue(
        refusal(Map.of("MARKETGATE_REMOTE_HOST", "0.0.0.0"))
            .contains("the remoting host 0.0.0.0 is not a loopback address"));
    // Listening on every interface while advertising loopback is no loopback node.
    assertTrue(
        refusal(Map.of("pekko.remote.artery.bind.hostname", "0.0.0.0"))
            .contains("the remoting host 0.0.0.0 is not a loopback address"));
  }

  @Test
  void keyMaterialPutsRemotingOnMutualTlsWithItsFiles() {
    Path dir = TestCertificates.cluster().issue("settings");
    RemotingSecurity.Remoting remoting =
        RemotingSecurity.of(
            withEnv(
                Map.of(
                    "MARKETGATE_DISCOVERY", "seeds",
                    "MARKETGATE_SEED_NODES", "127.0.0.1:17355",
                    "MARKETGATE_TLS_DIR", dir.toString(),
                    "MARKETGATE_TLS_RELOAD_INTERVAL", "30s")));
    Config c = remoting.config();
    String engine = "pekko.remote.artery.ssl.rotating-keys-engine.";
    assertEquals("tls-tcp", c.getString("pekko.remote.artery.transport"));
    assertEquals(
        "org.apache.pekko.remote.artery.tcp.ssl.RotatingKeysSSLEngineProvider",
        c.getString("pekko.remote.artery.ssl.ssl-engine-provider"));
    assertEquals(
        dir.resolve("tls.key").toAbsolutePath().toString(), c.getString(engine + "key-file"));
    assertEquals(
        dir.resolve("tls.crt").toAbsolutePath().toString(), c.getString(engine + "cert-file"));
    assertEquals(
        dir.resolve("ca.crt").toAbsolutePath().toString(), c.getString(engine + "ca-cert-file"));
    assertEquals(30, c.getDuration(engine + "ssl-context-cache-ttl").toSeconds());
    assertTrue(
        remoting
            .description()
            .startsWith("TLS with mutual authentication, certificate CN=settings"),
        remoting.description());
    // Loopback one-node clusters use it too when it is given.
    assertEquals(
        "tls-tcp",
        RemotingSecurity.of(withEnv(Map.of("MARKETGATE_TLS_DIR", dir.toString())))
            .config()
            .getString("pekko.remote.artery.transport"));
  }

  @Test
  void unusableKeyMaterialIsNamed() throws Exception {
    Path empty = Files.createTempDirectory("no-tls");
    try {
      assertEquals(
          "MARKETGATE_TLS_DIR: the TLS key material directory "
              + empty
              + " lacks tls.key, tls.crt, ca.crt (it needs tls.key, tls.crt and ca.crt)",
          refusal(Map.of("MARKETGATE_TLS_DIR", empty.toString())));
    } finally {
      Files.delete(empty);
    }
    assertTrue(
        refusal(Map.of("MARKETGATE_TLS_DIR", "/nonexistent/tls"))
            .contains("/nonexistent/tls does not exist"));
    Path dir = TestCertificates.cluster().issue("reload");
    assertTrue(
        refusal(
                Map.of(
                    "MARKETGATE_TLS_DIR", dir.toString(), "MARKETGATE_TLS_RELOAD_INTERVAL", "0s"))
            .contains("MARKETGATE_TLS_RELOAD_INTERVAL must be positive"));
  }
}
