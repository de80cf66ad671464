package io.marketgate.app.k8s;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The kustomize overlays fit the node's contract (docs/KUBERNETES.md): each overlay is rendered
 * with {@code kubectl kustomize} and its manifests are checked against the ports, labels, RBAC,
 * references, shutdown timing, cluster TLS and network policy the node relies on. The overlays are
 * rendered from a temporary copy of {@code k8s/}, where dev first gets the certificates a developer
 * generates with {@code scripts/dev-certs.sh}. Without kubectl the test is skipped, except under
 * {@code CI=true}, where it fails.
 */
class KustomizeInvariantsTest {

  /** Container port name → (number in the node's contract, setting the node binds it from). */
  private static final Map<String, Map.Entry<Integer, String>> PORTS =
      Map.of(
          "remoting", Map.entry(17355, "pekko.remote.artery.canonical.port"),
          "management", Map.entry(7626, "pekko.management.http.port"),
          "http", Map.entry(8080, "marketgate.http.port"),
          "metrics", Map.entry(9095, "marketgate.metrics.port"));

  /**
   * Coordinated shutdown after the drain: the sharding hand-off and cluster-exiting phases (10 s
   * timeout each) must fit into the grace period before the kubelet's SIGKILL.
   */
  private static final Duration HAND_OFF = Duration.ofSeconds(20);

  /** The files the node reads from MARKETGATE_TLS_DIR. */
  private static final Set<String> TLS_FILES = Set.of("tls.key", "tls.crt", "ca.crt");

  /** Where the dev overlay takes its generated certificates from (kept out of git). */
  private static final String DEV_TLS = "overlays/dev/cluster-tls";

  private static final Map<String, Rendering> RENDERED = new ConcurrentHashMap<>();

  private static boolean kubectlFound;

  /** The temporary copy of {@code k8s/} the overlays are rendered from, once one was made. */
  private static Path copy;

  @BeforeAll
  static void kubectlIsOnThePathUnderCi() {
    kubectlFound =
        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, "kubectl")));
    if (!kubectlFound && "true".equals(System.getenv("CI"))) {
      fail(
          "kubectl is not on the PATH and CI=true: the manifests must be checked (apt-get install -y kubectl)");
    }
  }

  @AfterAll
  static void deleteTheCopy() throws IOException {
    if (copy == null) return;
    try (Stream<Path> files = Files.walk(copy)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator)
        Files.delete(p);
    }
    copy = null;
  }

  /** Per test, so that each one is reported skipped with the reason. */
  @BeforeEach
  void kubectlIsOnThePath() {
    assumeTrue(
        kubectlFound,
        "kubectl is not on the PATH: kustomize invariants skipped (apt-get install -y kubectl)");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dev", "prod"})
  void containerPortsAreTheNodesPorts(String overlay) {
    Rendering r = rendered(overlay);
    Map<String, Integer> declared = containerPorts(r.container());
    Config node = r.nodeConfig();
    PORTS.forEach(
        (name, expected) -> {
          assertEquals(expected.getKey(), declared.get(name), "container port " + name);
          assertEquals(
              node.getInt(expected.getValue()),
              declared.get(name),
              name + " is where the node binds " + expected.getValue());
        });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dev", "prod"})
  void probesAskTheManagementPort(String overlay) {
    Rendering r = rendered(overlay);
    Node container = r.container();
    int management = r.nodeConfig().getInt("pekko.management.http.port");
    assertEquals(
        management,
        containerPorts(container).get("management"),
        "the container port named management is where the node binds it");
    Map<String, String> paths =
        Map.of("readinessProbe", "/ready", "livenessProbe", "/alive", "startupProbe", "/alive");
    assertTrue(
        container.get("readinessProbe").exists() && container.get("livenessProbe").exists(),
        "readiness and liveness probes");
    paths.forEach(
        (probe, path) -> {
          if (!container.get(probe).exists()) return;
          Node get = container.get(probe, "httpGet");
          assertEquals(path, get.get("path").text(), probe);
          String port = get.get("port").text();
          assertTrue(
              port.equals("management") || port.equals(String.valueOf(management)),
              probe + " asks port " + port);
        });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dev", "prod"})
  void bootstrapFindsTheGatewayPodsAndOnlyThem(String overlay) {
    Rendering r = rendered(overlay);
    Map<String, String> env = r.env(r.container());
    assertEquals("kubernetes-api", env.get("MARKETGATE_DISCOVERY"));
    String app = env.getOrDefault("MARKETGATE_BOOTSTRAP_SERVICE_NAME", "marketgate");
    assertEquals(
        app, r.podLabels().get("app"), "pods are discovered with the label selector app=" + app);
    List<String> others =
        r.podTemplates().stream()
            .filter(
                w ->
                    !w.equals(r.gateway())
                        && app.equals(
                            w.get("spec", "template", "metadata", "labels", "app").text()))
            .map(w -> w.get("metadata", "name").text())
            .toList();
    assertEquals(
        List.of(), others, "other pods labelled app=" + app + " would be taken for contact points");
    int required = Integer.parseInt(env.getOrDefault("REQUIRED_CONTACT_POINT_NR", "2"));
    assertTrue(
        required <= r.replicas(),
        "a new cluster needs " + required + " contact points of " + r.replicas() + " replicas");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dev", "prod"})
  void serviceAccountMayReadPods(String overlay) {
    Rendering r = rendered(overlay);
    String account = r.podSpec().get("serviceAccountName").text();
    assertNotNull(account, "the pods need an account that may list pods");
    assertTrue(r.find("ServiceAccount", account).isPresent(), "ServiceAccount " + account);
    boolean granted =
        r.all("RoleBinding").stream()
            .filter(
                b ->
                    b.get("subjects").list().stream()
                        .anyMatch(s -> isAccount(s, account, r.namespace())))
            .map(b -> b.get("roleRef"))
            .filter(ref -> "Role".equals(ref.get("kind").text()))
            .flatMap(ref -> r.find("Role", ref.get("name").text()).stream())
            .anyMatch(KustomizeInvariantsTest::grantsPodReading);
    assertTrue(
        granted, "a RoleBinding gives " + account + " a Role with get, watch and list on pods");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dev", "prod"})
  void everySecretAndConfigMapReferenceResolves(String overlay) {
    Rendering r = rendered(overlay);
    List<String> missing = new ArrayList<>();
    for (Node workload : r.podTemplates()) {
      Node spec = workload.get("spec", "template", "spec");
      String where = workload.get("kind").text() + "/" + workload.get("metadata", "name").text();
      for (Node c :
          Stream.concat(
                  spec.get("containers").list().stream(),
                  spec.get("initContainers").list().stream())
              .toList()) {
        for (Node e : c.get("env").list()) {
          r.checkKey(missing, where, "Secret", e.get("valueFrom", "secretKeyRef"));
          r.checkKey(missing, where, "ConfigMap", e.get("valueFrom", "configMapKeyRef"));
        }
        for (Node from : c.get("envFrom").list()) {
          r.checkExists(missing, where, "Secret", from.get("secretRef", "name").text());
          r.checkExists(missing, where, "ConfigMap", from.get("configMapRef", "name").text());
        }
      }
      for (Node v : spec.get("volumes").list()) {
        r.checkExists(missing, where, "Secret", v.get("secret", "secretName").text());
        r.checkExists(missing, where, "ConfigMap", v.get("configMap", "name").text());
      }
    }
    assertEquals(List.of(), missing, "references the rendering does not contain");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dev", "prod"})
  void selectorsMatchTheGatewayPods(String overlay) {
    Rendering r = rendered(overlay);
    Map<String, String> labels = r.podLabels();
    assertSelects(
        r.gateway().get("spec", "selector", "matchLabels").strings(),
        labels,
        "Deployment selector");
    Node service = r.one("Service", "marketgate");
    assertSelects(service.get("spec", "selector").strings(), labels, "Service selector");
    Map<String, Integer> ports = containerPorts(r.container());
    String target = service.get("spec", "ports").list().get(0).get("targetPort").text();
    assertTrue(
        target.equals("http") || target.equals(String.valueOf(ports.get("http"))),
        "the Service forwards to the API, not " + target);
    Node budget =
        r.all("PodDisruptionBudget").stream()
            .findFirst()
            .orElseThrow(() -> new AssertionError("no PodDisruptionBudget"));
    assertSelects(
        budget.get("spec", "selector", "matchLabels").strings(),
        labels,
        "PodDisruptionBudget selector");
    assertEquals("1", budget.get("spec", "maxUnavailable").text());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dev", "prod"})
  void addressesComeFromTheDownwardApi(String overlay) {
    Node container = rendered(overlay).container();
    assertEquals(
        "status.podIP",
        fieldRef(container, "MARKETGATE_REMOTE_HOST"),
        "Artery's canonical address is the pod IP");
    assertEquals(
        "status.podIP",
        fieldRef(container, "MARKETGATE_MANAGEMENT_HOST"),
        "bootstrap and probes reach management at the pod IP");
    assertEquals("metadata.namespace", fieldRef(container, "KUBERNETES_NAMESPACE"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dev", "prod"})
  void serviceLinksStayOutOfTheNodesSettings(String overlay) {
    assertEquals(
        "false",
        rendered(overlay).podSpec().get("enableServiceLinks").text(),
        "the Service marketgate would inject MARKETGATE_PORT, MARKETGATE_SERVICE_HOST, … into the node's environment");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dev", "prod"})
  void gracePeriodCoversTheDrainAndTheHandOff(String overlay) {
    Rendering r = rendered(overlay);
    Duration drain = duration(r.env(r.container()).getOrDefault("MARKETGATE_SHUTDOWN_DRAIN", "5s"));
    String grace =
        Optional.ofNullable(r.podSpec().get("terminationGracePeriodSeconds").text()).orElse("30");
    Duration period = Duration.ofSeconds(Long.parseLong(grace));
    assertTrue(
        period.compareTo(drain.plus(HAND_OFF)) > 0,
        "grace " + period + " must exceed drain " + drain + " + hand-off " + HAND_OFF);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dev", "prod"})
  void failOverTimingsAreTheSaferOnes(String overlay) {
    Map<String, String> env = rendered(overlay).env(rendered(overlay).container());
    Duration pause = duration(env.get("MARKETGATE_HEARTBEAT_PAUSE"));
    Duration stableAfter = duration(env.get("MARKETGATE_SBR_STABLE_AFTER"));
    Duration margin = duration(env.get("MARKETGATE_DOWN_REMOVAL_MARGIN"));
    assertTrue(pause.compareTo(Duration.ofSeconds(5)) >= 0, "heartbeat pause " + pause);
    assertTrue(
        stableAfter.compareTo(pause) > 0, "stable-after " + stableAfter + " above the pause");
    // Pekko's guidance for the removal margin from five members.
    assertTrue(margin.compareTo(Duration.ofSeconds(7)) >= 0, "down-removal-margin " + margin);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dev", "prod"})
  void prometheusScrapesTheMetricsPort(String overlay) {
    Rendering r = rendered(overlay);
    Map<String, String> annotations =
        r.gateway().get("spec", "template", "metadata", "annotations").strings();
    assertEquals("true", annotations.get("prometheus.io/scrape"));
    assertEquals(
        String.valueOf(containerPorts(r.container()).get("metrics")),
        annotations.get("prometheus.io/port"));
    assertEquals("/metrics", annotations.get("prometheus.io/path"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dev", "prod"})
  void everyNodeUsesTheSharedPostgres(String overlay) {
    Rendering r = rendered(overlay);
    String url = r.env(r.container()).getOrDefault("DATABASE_URL", "");
    assertTrue(
        url.startsWith("jdbc:postgresql://"),
        "an empty or other DATABASE_URL gives each pod its own embedded database: " + url);
  }

  @Test
  void devPointsTheNodesAtItsPostgres() {
    Rendering r = rendered("dev");
    URI url = URI.create(r.env(r.container()).get("DATABASE_URL").substring("jdbc:".length()));
    Node service =
        r.find("Service", url.getHost())
            .orElseThrow(() -> new AssertionError("no Service " + url.getHost()));
    assertTrue(
        service.get("spec", "ports").list().stream()
            .anyMatch(p -> String.valueOf(url.getPort()).equals(p.get("port").text())));
    Map<String, String> selector = service.get("spec", "selector").strings();
    assertTrue(
        r.all("StatefulSet").stream()
            .anyMatch(
                s ->
                    s.get("spec", "template", "metadata", "labels")
                        .strings()
                        .entrySet()
                        .containsAll(selector.entrySet())),
        "the Service " + url.getHost() + " selects the PostgreSQL StatefulSet");
    assertEquals(
        "on", r.env(r.container()).get("MARKETGATE_SIMULATOR"), "dev runs without provider keys");
  }

  @Test
  void prodServesRealProvidersToKeyedCallersOnly() {
    Rendering r = rendered("prod");
    Map<String, String> env = r.env(r.container());
    assertEquals("off", env.get("MARKETGATE_SIMULATOR"));
    assertEquals("none", env.get("MARKETGATE_ANONYMOUS_PROFILE"));
    assertEquals(3, r.replicas());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dev", "prod"})
  void networkPolicySelectsTheGatewayPods(String overlay) {
    Rendering r = rendered(overlay);
    Node policy = r.one("NetworkPolicy", "marketgate");
    assertEquals(r.namespace(), policy.get("metadata", "namespace").text());
    Node selector = policy.get("spec", "podSelector");
    assertTrue(
        r.selectsOnlyTheGateway(selector),
        "the policy's selector "
            + selector.value()
            + " must match the gateway pods "
            + r.podLabels()
            + " and no other pods");
    assertTrue(policyTypes(policy).contains("Ingress"), "the policy restricts ingress");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dev", "prod"})
  void networkPolicyAdmitsEachPortFromItsSourcesOnly(String overlay) {
    Rendering r = rendered(overlay);
    Map<Integer, Set<Source>> admitted = r.admitted();
    containerPorts(r.container())
        .forEach(
            (name, port) ->
                assertFalse(
                    admitted.getOrDefault(port, Set.of()).isEmpty(),
                    "no NetworkPolicy rule admits container port " + name + " " + port));
    Map<String, Set<Source>> from = new TreeMap<>();
    PORTS.forEach((name, port) -> from.put(name, admitted.getOrDefault(port.getKey(), Set.of())));
    assertTrue(
        from.get("http").contains(Source.ANYWHERE),
        "callers reach http from anywhere, not only " + from.get("http"));
    assertEquals(
        Set.of(Source.GATEWAY), from.get("remoting"), "only the members reach remoting (Artery)");
    Set<Source> management = new HashSet<>(from.get("management"));
    assertTrue(
        management.remove(Source.GATEWAY),
        "the members reach management (cluster bootstrap): " + from.get("management"));
    assertFalse(
        management.isEmpty(), "the kubelet's probes reach management from the node network");
    management.forEach(
        s ->
            assertTrue(
                s.isNodeNetwork(),
                "management is for the members and the node network only, not " + s));
    assertEquals(
        Set.of(Source.MONITORING),
        from.get("metrics"),
        "only the monitoring namespace scrapes metrics");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dev", "prod"})
  void clusterTlsIsATlsSecretMountedAsADirectory(String overlay) {
    Rendering r = rendered(overlay);
    Node mount = r.tlsMount();
    assertNull(mount.get("subPath").text(), "a subPath mount never sees a rotated Secret");
    assertNull(mount.get("subPathExpr").text(), "a subPath mount never sees a rotated Secret");
    assertEquals("true", mount.get("readOnly").text(), "the key material is mounted read-only");
    Node volume = r.volume(mount.get("name").text());
    assertTrue(
        volume.get("secret").exists(), "the TLS directory comes from a Secret: " + volume.value());
    assertFalse(
        volume.get("secret", "items").exists(),
        "every key of the Secret is a file under its own name");
    Node secret = r.one("Secret", r.tlsSecretName());
    assertEquals("kubernetes.io/tls", secret.get("type").text(), "the Secret's type");
    assertTrue(
        r.data("Secret", r.tlsSecretName()).keySet().containsAll(TLS_FILES),
        "the Secret holds " + TLS_FILES);
  }

  @Test
  void devClusterCertificateIsIssuedByItsCa() throws Exception {
    Rendering r = rendered("dev");
    Map<String, String> tls = r.data("Secret", r.tlsSecretName());
    assertTrue(tls.keySet().containsAll(TLS_FILES), "the Secret holds " + TLS_FILES);
    X509Certificate ca = certificate(tls, "ca.crt");
    X509Certificate node = certificate(tls, "tls.crt");
    assertDoesNotThrow(() -> node.verify(ca.getPublicKey()), "tls.crt is signed by ca.crt");
    assertEquals(ca.getSubjectX500Principal(), node.getIssuerX500Principal(), "tls.crt's issuer");
    assertEquals(
        ((RSAPublicKey) node.getPublicKey()).getModulus(),
        rsaKey(tls.get("tls.key")).getModulus(),
        "tls.key is the key of tls.crt");
  }

  @Test
  void prodShipsAPlaceholderInsteadOfClusterKeys() {
    Rendering r = rendered("prod");
    r.data("Secret", r.tlsSecretName())
        .forEach(
            (key, value) -> {
              assertFalse(value.contains("-----BEGIN"), key + " holds PEM: no keys in git");
              assertTrue(value.toLowerCase().contains("placeholder"), key + " says what it is");
            });
  }

  // --- helpers ---

  private static Rendering rendered(String overlay) {
    return RENDERED.computeIfAbsent(overlay, KustomizeInvariantsTest::render);
  }

  private static Rendering render(String overlay) {
    Path k8s = k8sCopy();
    if (overlay.equals("dev")) generateDevCertificates(k8s.resolve(DEV_TLS));
    String yaml = run("kubectl", "kustomize", k8s.resolve("overlays").resolve(overlay).toString());
    Iterable<Object> docs = new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml);
    return new Rendering(
        StreamSupport.stream(docs.spliterator(), false)
            .filter(Objects::nonNull)
            .map(Node::new)
            .toList());
  }

  /**
   * The repository's {@code k8s/}, copied without the dev certificates a developer may have
   * generated: the test makes its own, and they must not land in the working tree.
   */
  private static synchronized Path k8sCopy() {
    Path source = repositoryRoot().resolve("k8s");
    try {
      if (copy == null) {
        Path target = Files.createTempDirectory("kustomize-invariants").resolve("k8s");
        try (Stream<Path> files = Files.walk(source)) {
          for (Path p : (Iterable<Path>) files::iterator) {
            if (p.startsWith(source.resolve(DEV_TLS))) continue;
            Path to = target.resolve(source.relativize(p).toString());
            if (Files.isDirectory(p)) Files.createDirectories(to);
            else Files.copy(p, to);
          }
        }
        copy = target.getParent();
      }
      return copy.resolve("k8s");
    } catch (IOException e) {
      throw new AssertionError("cannot copy " + source, e);
    }
  }

  /** The developer's step before rendering dev (docs/KUBERNETES.md), into the copy. */
  private static void generateDevCertificates(Path out) {
    String script = repositoryRoot().resolve("scripts/dev-certs.sh").toString();
    String ca = out.resolve("ca").toString();
    run("bash", script, "ca", ca);
    run("bash", script, "node", ca, out.toString(), "marketgate");
  }

  /** Runs a command to its end and returns its output; a non-zero exit fails with its errors. */
  private static String run(String... command) {
    String line = String.join(" ", command);
    try {
      Path errors = Files.createTempFile("kustomize-invariants", ".err");
      try {
        Process p = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), line + " did not finish");
        assertEquals(0, p.exitValue(), line + ": " + Files.readString(errors));
        return out;
      } finally {
        Files.delete(errors);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + line, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Maven runs the test in {@code app/}; the overlays are under the repository root above it. */
  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("k8s/base/kustomization.yaml"))) return p;
    }
    throw new AssertionError(
        "no k8s/base/kustomization.yaml above " + Path.of("").toAbsolutePath());
  }

  private static Map<String, Integer> containerPorts(Node container) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (Node p : container.get("ports").list())
      ports.put(p.get("name").text(), Integer.valueOf(p.get("containerPort").text()));
    return ports;
  }

  private static String fieldRef(Node container, String env) {
    return container.get("env").list().stream()
        .filter(e -> env.equals(e.get("name").text()))
        .map(e -> e.get("valueFrom", "fieldRef", "fieldPath").text())
        .findFirst()
        .orElse(null);
  }

  /** Without policyTypes a policy governs ingress (and egress only if it has egress rules). */
  private static List<String> policyTypes(Node policy) {
    List<String> types = policy.get("spec", "policyTypes").texts();
    return types.isEmpty() ? List.of("Ingress") : types;
  }

  /**
   * The container ports a rule opens (over TCP): all of them without a port list; a named port is
   * resolved against the container, so a policy port that is no container port fails.
   */
  private static Set<Integer> admittedPorts(Node rule, Map<String, Integer> container) {
    List<Node> listed = rule.get("ports").list();
    if (listed.isEmpty()) return Set.copyOf(container.values());
    Set<Integer> open = new HashSet<>();
    for (Node p : listed) {
      if (!"TCP".equals(Optional.ofNullable(p.get("protocol").text()).orElse("TCP"))) continue;
      Node port = p.get("port");
      if (!port.exists()) {
        open.addAll(container.values());
        continue;
      }
      Integer first = port.value() instanceof Integer n ? n : container.get(port.text());
      assertNotNull(first, "NetworkPolicy port " + port.text() + " names no container port");
      int last = p.get("endPort").exists() ? Integer.parseInt(p.get("endPort").text()) : first;
      List<Integer> hit = container.values().stream().filter(n -> n >= first && n <= last).toList();
      assertFalse(hit.isEmpty(), "NetworkPolicy port " + port.text() + " is no container port");
      open.addAll(hit);
    }
    return open;
  }

  /** Kubernetes label selector semantics: matchLabels and matchExpressions, all of them. */
  private static boolean selects(Node selector, Map<String, String> labels) {
    return labels.entrySet().containsAll(selector.get("matchLabels").strings().entrySet())
        && selector.get("matchExpressions").list().stream()
            .allMatch(e -> matches(e, labels.get(e.get("key").text())));
  }

  private static boolean matches(Node expression, String value) {
    List<String> values = expression.get("values").texts();
    return switch (expression.get("operator").text()) {
      case "In" -> values.contains(value);
      case "NotIn" -> !values.contains(value);
      case "Exists" -> value != null;
      case "DoesNotExist" -> value == null;
      default -> throw new AssertionError("selector operator " + expression.value());
    };
  }

  /** An empty (or absent) selector selects everything. */
  private static boolean isEmpty(Node selector) {
    return selector.get("matchLabels").strings().isEmpty()
        && selector.get("matchExpressions").list().isEmpty();
  }

  private static X509Certificate certificate(Map<String, String> secret, String key) {
    byte[] pem = secret.get(key).getBytes(StandardCharsets.US_ASCII);
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(pem));
    } catch (CertificateException e) {
      throw new AssertionError(key + " is no PEM certificate", e);
    }
  }

  /** A PKCS#8 PEM RSA key, as scripts/dev-certs.sh writes it. */
  private static RSAPrivateKey rsaKey(String pem) throws Exception {
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return (RSAPrivateKey)
        KeyFactory.getInstance("RSA")
            .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
  }

  private static boolean isAccount(Node subject, String account, String namespace) {
    String ns = Optional.ofNullable(subject.get("namespace").text()).orElse(namespace);
    return "ServiceAccount".equals(subject.get("kind").text())
        && account.equals(subject.get("name").text())
        && Objects.equals(namespace, ns);
  }

  /** The union of the Role's rules on core-group pods holds get, watch and list. */
  private static boolean grantsPodReading(Node role) {
    Set<String> verbs = new HashSet<>();
    for (Node rule : role.get("rules").list()) {
      boolean pods =
          rule.get("apiGroups").texts().stream().anyMatch(g -> g.isEmpty() || g.equals("*"))
              && rule.get("resources").texts().stream()
                  .anyMatch(res -> res.equals("pods") || res.equals("*"));
      if (pods) verbs.addAll(rule.get("verbs").texts());
    }
    return verbs.contains("*") || verbs.containsAll(Set.of("get", "watch", "list"));
  }

  private static void assertSelects(
      Map<String, String> selector, Map<String, String> labels, String what) {
    assertFalse(selector.isEmpty(), what + " is empty");
    assertTrue(
        labels.entrySet().containsAll(selector.entrySet()),
        what + " " + selector + " does not match the pod labels " + labels);
  }

  private static Duration duration(String hocon) {
    return ConfigFactory.parseMap(Map.of("d", hocon)).getDuration("d");
  }

  /** One overlay's rendered manifests (all in one namespace, as the overlays set it). */
  private record Rendering(List<Node> docs) {

    List<Node> all(String kind) {
      return docs.stream().filter(d -> kind.equals(d.get("kind").text())).toList();
    }

    Optional<Node> find(String kind, String name) {
      return all(kind).stream()
          .filter(d -> Objects.equals(name, d.get("metadata", "name").text()))
          .findFirst();
    }

    Node one(String kind, String name) {
      return find(kind, name)
          .orElseThrow(() -> new AssertionError("the rendering has no " + kind + "/" + name));
    }

    Node gateway() {
      return one("Deployment", "marketgate");
    }

    String namespace() {
      return gateway().get("metadata", "namespace").text();
    }

    int replicas() {
      return Integer.parseInt(
          Optional.ofNullable(gateway().get("spec", "replicas").text()).orElse("1"));
    }

    Node podSpec() {
      return gateway().get("spec", "template", "spec");
    }

    Map<String, String> podLabels() {
      return gateway().get("spec", "template", "metadata", "labels").strings();
    }

    Node container() {
      return podSpec().get("containers").list().stream()
          .filter(c -> "marketgate".equals(c.get("name").text()))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no container marketgate"));
    }

    /** Workloads with a pod template. */
    List<Node> podTemplates() {
      return docs.stream().filter(d -> d.get("spec", "template", "spec").exists()).toList();
    }

    /** A non-empty pod selector that matches the gateway's pods and no other workload's. */
    boolean selectsOnlyTheGateway(Node selector) {
      return !isEmpty(selector)
          && selects(selector, podLabels())
          && podTemplates().stream()
              .filter(w -> !w.equals(gateway()))
              .noneMatch(
                  w ->
                      selects(selector, w.get("spec", "template", "metadata", "labels").strings()));
    }

    /** Container port number → who may connect to it, over every policy on the gateway pods. */
    Map<Integer, Set<Source>> admitted() {
      Map<String, Integer> ports = containerPorts(container());
      Map<Integer, Set<Source>> admitted = new TreeMap<>();
      for (Node policy : ingressPolicies()) {
        for (Node rule : policy.get("spec", "ingress").list()) {
          List<Node> peers = rule.get("from").list();
          Set<Source> sources =
              peers.isEmpty()
                  ? Set.of(Source.ANYWHERE)
                  : peers.stream().map(this::source).collect(Collectors.toSet());
          for (int port : admittedPorts(rule, ports))
            admitted.computeIfAbsent(port, p -> new TreeSet<>()).addAll(sources);
        }
      }
      return admitted;
    }

    /** Policies are additive: each one that selects the gateway pods and governs ingress counts. */
    private List<Node> ingressPolicies() {
      return all("NetworkPolicy").stream()
          .filter(p -> Objects.equals(namespace(), p.get("metadata", "namespace").text()))
          .filter(p -> selects(p.get("spec", "podSelector"), podLabels()))
          .filter(p -> policyTypes(p).contains("Ingress"))
          .toList();
    }

    private Source source(Node peer) {
      Node block = peer.get("ipBlock");
      if (block.exists()) {
        String except =
            block.get("except").exists() ? " except " + block.get("except").texts() : "";
        return new Source("ipBlock", block.get("cidr").text() + except);
      }
      Node namespaces = peer.get("namespaceSelector");
      Node pods = peer.get("podSelector");
      if (!namespaces.exists())
        return selectsOnlyTheGateway(pods)
            ? Source.GATEWAY
            : new Source("pods of this namespace", String.valueOf(pods.value()));
      Map<String, String> labels = namespaces.get("matchLabels").strings();
      Source namespace =
          namespaces.get("matchExpressions").list().isEmpty()
                  && labels.keySet().equals(Set.of(Source.NAMESPACE_NAME))
              ? new Source("namespace", labels.get(Source.NAMESPACE_NAME))
              : new Source("namespaces", String.valueOf(namespaces.value()));
      return isEmpty(pods)
          ? namespace
          : new Source("pods " + pods.value() + " in", namespace.toString());
    }

    /** The mount at MARKETGATE_TLS_DIR, the directory the node reads its key material from. */
    Node tlsMount() {
      String dir = env(container()).get("MARKETGATE_TLS_DIR");
      assertNotNull(dir, "MARKETGATE_TLS_DIR is set");
      return container().get("volumeMounts").list().stream()
          .filter(m -> Path.of(dir).equals(Path.of(m.get("mountPath").text())))
          .findFirst()
          .orElseThrow(() -> new AssertionError("nothing is mounted at MARKETGATE_TLS_DIR " + dir));
    }

    Node volume(String name) {
      return podSpec().get("volumes").list().stream()
          .filter(v -> name.equals(v.get("name").text()))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    /** The Secret mounted at MARKETGATE_TLS_DIR. */
    String tlsSecretName() {
      String name = volume(tlsMount().get("name").text()).get("secret", "secretName").text();
      assertNotNull(name, "MARKETGATE_TLS_DIR is a Secret volume");
      return name;
    }

    /** Keys of a Secret (decoded) or ConfigMap. */
    Map<String, String> data(String kind, String name) {
      Node d = one(kind, name);
      Map<String, String> data = new LinkedHashMap<>(d.get("stringData").strings());
      d.get("data")
          .strings()
          .forEach(
              (k, v) ->
                  data.put(
                      k,
                      kind.equals("Secret")
                          ? new String(Base64.getMimeDecoder().decode(v), StandardCharsets.UTF_8)
                          : v));
      return data;
    }

    /** The container's environment as Kubernetes builds it, except downward-API fields. */
    Map<String, String> env(Node container) {
      Map<String, String> env = new LinkedHashMap<>();
      for (Node from : container.get("envFrom").list()) {
        Optional.ofNullable(from.get("configMapRef", "name").text())
            .ifPresent(n -> env.putAll(data("ConfigMap", n)));
        Optional.ofNullable(from.get("secretRef", "name").text())
            .ifPresent(n -> env.putAll(data("Secret", n)));
      }
      for (Node e : container.get("env").list()) {
        String name = e.get("name").text();
        Node secret = e.get("valueFrom", "secretKeyRef");
        Node configMap = e.get("valueFrom", "configMapKeyRef");
        String value =
            secret.exists()
                ? data("Secret", secret.get("name").text()).get(secret.get("key").text())
                : configMap.exists()
                    ? data("ConfigMap", configMap.get("name").text())
                        .get(configMap.get("key").text())
                    : e.get("value").text();
        // A missing key is everySecretAndConfigMapReferenceResolves' finding; a field stays unset.
        if (value != null) env.put(name, value);
      }
      return env;
    }

    /**
     * The node's settings as the gateway container would load them (its env over application.conf).
     */
    Config nodeConfig() {
      return ConfigFactory.parseMap(env(container()))
          .withFallback(ConfigFactory.parseResources("application.conf"))
          .resolve(ConfigResolveOptions.noSystem());
    }

    void checkExists(List<String> missing, String where, String kind, String name) {
      if (name != null && find(kind, name).isEmpty())
        missing.add(where + " → " + kind + "/" + name);
    }

    void checkKey(List<String> missing, String where, String kind, Node ref) {
      if (!ref.exists()) return;
      String name = ref.get("name").text();
      String key = ref.get("key").text();
      if (find(kind, name).isEmpty()) missing.add(where + " → " + kind + "/" + name);
      else if (!data(kind, name).containsKey(key))
        missing.add(where + " → " + kind + "/" + name + " key " + key);
    }
  }

  /** Who a NetworkPolicy rule lets in: a kind and what it names (a CIDR, a namespace, …). */
  private record Source(String kind, String detail) implements Comparable<Source> {

    static final String NAMESPACE_NAME = "kubernetes.io/metadata.name";
    static final Source ANYWHERE = new Source("anywhere", "");
    static final Source GATEWAY = new Source("gateway pods", "");
    static final Source MONITORING = new Source("namespace", "monitoring");

    /** An ipBlock of /8 or narrower: a node network, not the internet. */
    boolean isNodeNetwork() {
      if (!kind.equals("ipBlock")) return false;
      String cidr = detail.split(" ")[0];
      return Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1)) >= 8;
    }

    @Override
    public int compareTo(Source other) {
      return toString().compareTo(other.toString());
    }

    @Override
    public String toString() {
      return detail.isEmpty() ? kind : kind + " " + detail;
    }
  }

  /** A read-only view of parsed YAML: maps by path, lists and scalars. */
  private record Node(Object value) {

    Node get(String... path) {
      Object v = value;
      for (String key : path) v = v instanceof Map<?, ?> m ? m.get(key) : null;
      return new Node(v);
    }

    boolean exists() {
      return value != null;
    }

    String text() {
      return value == null ? null : String.valueOf(value);
    }

    List<Node> list() {
      return value instanceof List<?> l ? l.stream().map(Node::new).toList() : List.of();
    }

    List<String> texts() {
      return list().stream().map(Node::text).toList();
    }

    Map<String, String> strings() {
      Map<String, String> out = new LinkedHashMap<>();
      if (value instanceof Map<?, ?> m)
        m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
      return out;
    }
  }
}
