package io.marketgate.app.cluster;

import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.app.testkit.FreePorts;
import io.marketgate.app.testkit.GatewayProcess;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.SharedSimulator;
import io.marketgate.app.testkit.TestCertificates;
import io.marketgate.app.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The jar's remoting security at start: the embedded one-node default needs no setup; a node that
 * other JVMs can reach refuses to start without usable key material and says what is missing.
 * (Clusters of TLS nodes, a refused foreign CA and a rotation: {@link ClusterLifecycleIT}.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemotingTlsIT {
  private SharedSimulator simulator;
  private TestDatabase database;
  private final Map<String, String> env = new HashMap<>();

  @BeforeAll
  void start() {
    simulator = SharedSimulator.start();
    database = TestDatabase.create();
    env.putAll(simulator.providerEnvironment());
    env.putAll(database.environment());
  }

  @AfterAll
  void stop() {
    if (simulator != null) simulator.close();
    if (database != null) database.close();
  }

  private GatewayProcess.Exit refusedStart(String name, Map<String, String> overrides) {
    Map<String, String> nodeEnv = new HashMap<>(env);
    nodeEnv.putAll(overrides);
    GatewayProcess.Exit exit =
        GatewayProcess.startExpectingExit(name, nodeEnv, Map.of(), Duration.ofSeconds(60));
    assertEquals(2, exit.status(), exit.output());
    return exit;
  }

  @Test
  void theEmbeddedDefaultStartsWithoutKeyMaterial() {
    Map<String, String> nodeEnv = new HashMap<>(env);
    nodeEnv.put("MARKETGATE_TLS_DIR", "");
    try (GatewayProcess node = GatewayProcess.start("plain", nodeEnv, Map.of())) {
      assertTrue(
          node.logText().contains("Cluster remoting: plain TCP on 127.0.0.1"), node.logText());
      assertEquals(200, Http.get(node.url("/api/v1/quotes/PLAIN")).status());
    }
  }

  @Test
  void aNodeThatJoinsOthersRefusesToStartWithoutKeyMaterial() {
    GatewayProcess.Exit exit =
        refusedStart(
            "no-tls",
            Map.of(
                "MARKETGATE_TLS_DIR",
                "",
                "MARKETGATE_SEED_NODES",
                "127.0.0.1:" + FreePorts.next()));
    assertTrue(
        exit.output()
            .contains(
                "Marketgate cannot start: cluster remoting needs TLS key material:"
                    + " MARKETGATE_DISCOVERY is seeds"),
        exit.output());
    assertTrue(exit.output().contains("Set MARKETGATE_TLS_DIR"), exit.output());
  }

  @Test
  void aTlsNodeWithoutItsKeyMaterialRefusesToStartAndNamesWhatIsMissing() throws Exception {
    Path partial = TestCertificates.cluster().issue("partial");
    Files.delete(partial.resolve("tls.key"));
    GatewayProcess.Exit exit =
        refusedStart(
            "partial-tls",
            Map.of(
                "MARKETGATE_TLS_DIR",
                partial.toString(),
                "MARKETGATE_SEED_NODES",
                "127.0.0.1:" + FreePorts.next()));
    assertTrue(
        exit.output()
            .contains(
                "Marketgate cannot start: MARKETGATE_TLS_DIR: the TLS key material directory "
                    + partial
                    + " lacks tls.key"),
        exit.output());
  }

  @Test
  void aCertificateOfAnotherCaThanCaCrtIsRefusedAtTheStart() throws Exception {
    Path mixed = TestCertificates.cluster().issue("mixed");
    Path foreign = TestCertificates.newAuthority("other").issue("other");
    Files.copy(
        foreign.resolve("tls.crt"),
        mixed.resolve("tls.crt"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    GatewayProcess.Exit exit =
        refusedStart("mixed-tls", Map.of("MARKETGATE_TLS_DIR", mixed.toString()));
    assertTrue(
        exit.output().contains("tls.crt (CN=other) is not issued by the CA in ca.crt"),
        exit.output());
  }
}
