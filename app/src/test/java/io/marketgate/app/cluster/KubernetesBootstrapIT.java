package io.marketgate.app.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.marketgate.app.testkit.Eventually;
import io.marketgate.app.testkit.FreePorts;
import io.marketgate.app.testkit.GatewayProcess;
import io.marketgate.app.testkit.SharedSimulator;
import io.marketgate.app.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code MARKETGATE_DISCOVERY=kubernetes-api} as on Kubernetes, against a stand-in for the API
 * server: WireMock over HTTPS with a certificate the nodes trust through the service account's CA
 * file, answering the pod list for {@code app=marketgate} with the two nodes (as pods whose port
 * named {@code management} is each node's management port). Cluster Bootstrap in both nodes finds
 * the other, they form one cluster and turn ready, with the base ConfigMap's fail-over timings.
 */
@ExtendWith(LogCapturingExtension.class)
class KubernetesBootstrapIT {
  private static final String NAMESPACE = "mg-test";
  private static final String TOKEN = "service-account-token-for-tests";
  @TempDir Path dir;
  private WireMockServer apiServer;
  private SharedSimulator simulator;
  private TestDatabase database;
  private final List<GatewayProcess> nodes = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    Path keystore = dir.resolve("api-server.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "api",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "SAN=ip:127.0.0.1",
        "-keystore",
        keystore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        "changeit",
        "-keypass",
        "changeit");
    keytool(
        "-exportcert",
        "-alias",
        "api",
        "-rfc",
        "-keystore",
        keystore.toString(),
        "-storepass",
        "changeit",
        "-file",
        dir.resolve("ca.crt").toString());
    Files.writeString(dir.resolve("token"), TOKEN);
    apiServer =
        new WireMockServer(
            WireMockConfiguration.options()
                .httpDisabled(true)
                .dynamicHttpsPort()
                .keystorePath(keystore.toString())
                .keystorePassword("changeit")
                .keyManagerPassword("changeit")
                .keystoreType("PKCS12"));
    apiServer.start();
    simulator = SharedSimulator.start();
    database = TestDatabase.create();
  }

  @AfterEach
  void stop() {
    nodes.forEach(GatewayProcess::close);
    if (apiServer != null) apiServer.stop();
    if (simulator != null) simulator.close();
    if (database != null) database.close();
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertTrue(
        p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0,
        "keytool " + String.join(" ", args) + ": " + output);
  }

  private static String pod(String name, int managementPort) {
    return "{\"metadata\":{\"name\":\""
        + name
        + "\",\"namespace\":\""
        + NAMESPACE
        + "\",\"labels\":{\"app\":\"marketgate\"}},"
        + "\"spec\":{\"containers\":[{\"name\":\"marketgate\",\"ports\":["
        + "{\"name\":\"management\",\"containerPort\":"
        + managementPort
        + "},{\"name\":\"http\",\"containerPort\":8080}]}]},"
        + "\"status\":{\"phase\":\"Running\",\"podIP\":\"127.0.0.1\"}}";
  }

  private static final List<String> FAIL_OVER_TIMINGS =
      List.of(
          "MARKETGATE_HEARTBEAT_PAUSE",
          "MARKETGATE_SBR_STABLE_AFTER",
          "MARKETGATE_DOWN_REMOVAL_MARGIN");

  /** A literal of the base ConfigMap ({@code - NAME=value} in k8s/base/kustomization.yaml). */
  private static String baseConfigMapValue(String name) {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path kustomization = p.resolve("k8s/base/kustomization.yaml");
      if (Files.isRegularFile(kustomization)) {
        try {
          return Files.readAllLines(kustomization).stream()
              .map(String::trim)
              .filter(line -> line.startsWith("- " + name + "="))
              .map(line -> line.substring(line.indexOf('=') + 1))
              .findFirst()
              .orElseThrow(() -> new AssertionError(name + " is not in " + kustomization));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    }
    throw new AssertionError(
        "no k8s/base/kustomization.yaml above " + Path.of("").toAbsolutePath());
  }

  private static long millis(String hoconDuration) {
    return com.typesafe.config.ConfigFactory.parseString("d = " + hoconDuration)
        .getDuration("d")
        .toMillis();
  }

  @Test
  void twoPodsFoundThroughTheKubernetesApiFormOneCluster() {
    int managementA = FreePorts.next();
    int managementB = FreePorts.next();
    apiServer.stubFor(
        get(urlPathEqualTo("/api/v1/namespaces/" + NAMESPACE + "/pods"))
            .withQueryParam("labelSelector", equalTo("app=marketgate"))
            .withHeader("Authorization", equalTo("Bearer " + TOKEN))
            .willReturn(
                okJson(
                    "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"items\":["
                        + pod("marketgate-a", managementA)
                        + ","
                        + pod("marketgate-b", managementB)
                        + "]}")));

    Map<String, String> env = new HashMap<>(simulator.providerEnvironment());
    env.putAll(database.sharedEnvironment());
    env.put("MARKETGATE_DISCOVERY", "kubernetes-api");
    env.put("KUBERNETES_SERVICE_HOST", "127.0.0.1");
    env.put("KUBERNETES_SERVICE_PORT", Integer.toString(apiServer.httpsPort()));
    env.put("KUBERNETES_NAMESPACE", NAMESPACE);
    env.put("REQUIRED_CONTACT_POINT_NR", "2");
    // The fail-over timings of the base ConfigMap, as every pod gets them.
    for (String timing : FAIL_OVER_TIMINGS) env.put(timing, baseConfigMapValue(timing));
    Map<String, String> serviceAccount =
        Map.of(
            "pekko.discovery.kubernetes-api.api-ca-path", dir.resolve("ca.crt").toString(),
            "pekko.discovery.kubernetes-api.api-token-path", dir.resolve("token").toString());

    // Neither can be ready alone: two contact points must agree before a cluster forms.
    List<CompletableFuture<GatewayProcess>> starting = new ArrayList<>();
    for (int port : List.of(managementA, managementB)) {
      Map<String, String> nodeEnv = new HashMap<>(env);
      nodeEnv.put("MARKETGATE_MANAGEMENT_PORT", Integer.toString(port));
      starting.add(
          CompletableFuture.supplyAsync(
              () -> GatewayProcess.start("k8s-" + port, nodeEnv, serviceAccount)));
    }
    starting.forEach(f -> nodes.add(f.join()));

    for (GatewayProcess node : nodes) {
      Eventually.await(
          Duration.ofSeconds(30),
          "both members Up as every node sees them",
          () -> {
            JsonNode members = node.adminGet("/api/v1/cluster").json().get("members");
            int up = 0;
            for (JsonNode m : members) if (m.get("status").asText().equals("Up")) up++;
            return members.size() == 2 && up == 2;
          });
    }
    assertEquals(200, nodes.get(0).adminGet("/api/v1/quotes/KBOOT").status(), "the cluster serves");
    for (GatewayProcess node : nodes) {
      JsonNode settings = node.adminGet("/api/v1/cluster").json().get("settings");
      assertEquals(
          millis(baseConfigMapValue("MARKETGATE_HEARTBEAT_PAUSE")),
          settings.get("acceptable_heartbeat_pause_ms").asLong());
      assertEquals(
          millis(baseConfigMapValue("MARKETGATE_SBR_STABLE_AFTER")),
          settings.get("stable_after_ms").asLong());
      assertEquals(
          millis(baseConfigMapValue("MARKETGATE_DOWN_REMOVAL_MARGIN")),
          settings.get("down_removal_margin_ms").asLong());
    }
    apiServer.verify(
        moreThanOrExactly(2),
        getRequestedFor(urlPathEqualTo("/api/v1/namespaces/" + NAMESPACE + "/pods")));
  }
}
