package io.marketgate.app.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A gateway node in a JVM of its own, started from the shaded jar users run ({@code java -jar
 * app/target/marketgate.jar}, built by {@code package} before the integration tests), for what one
 * JVM cannot show: the packaged configuration, a kill -9, a restart, a cluster of processes. Its
 * output goes to a log file under target/.
 */
public final class GatewayProcess implements AutoCloseable {
  private final Process process;
  private final int httpPort;
  private final int managementPort;
  private final Path log;

  private GatewayProcess(Process process, int httpPort, int managementPort, Path log) {
    this.process = process;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
    this.log = log;
  }

  /**
   * Starts a node and waits until it is ready.
   *
   * @param env environment of the node (database, providers, ...), on top of free ports (a given
   *     {@code MARKETGATE_MANAGEMENT_PORT} or {@code MARKETGATE_REMOTE_PORT} is kept)
   * @param systemProperties {@code -D} settings, e.g. {@code marketgate.dlq.first-retry-after=3s}
   */
  public static GatewayProcess start(
      String name, Map<String, String> env, Map<String, String> systemProperties) {
    GatewayProcess gateway = launch(name, env, systemProperties);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!gateway.readyNow()) {
      if (!gateway.process.isAlive()) {
        throw new AssertionError(
            "node " + name + " exited before it was ready, see " + gateway.log.toAbsolutePath());
      }
      if (System.nanoTime() > deadline) {
        gateway.process
            .destroyForcibly(); // a node that never became ready must not outlive the test
        throw new AssertionError(
            "node " + name + " not ready within 60 s, see " + gateway.log.toAbsolutePath());
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
    return gateway;
  }

  private static GatewayProcess launch(
      String name, Map<String, String> env, Map<String, String> systemProperties) {
    int http = FreePorts.next();
    int management =
        env.containsKey("MARKETGATE_MANAGEMENT_PORT")
            ? Integer.parseInt(env.get("MARKETGATE_MANAGEMENT_PORT"))
            : FreePorts.next();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-jar");
    command.add(jar().toString());
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    // As for in-JVM nodes: anonymous callers read everything unthrottled; the admin key runs
    // operations.
    builder.environment().putIfAbsent("MARKETGATE_ANONYMOUS_PROFILE", "premium");
    builder.environment().putIfAbsent("MARKETGATE_RATE_LIMIT_PREMIUM", "0");
    builder.environment().putIfAbsent("MARKETGATE_CLIENTS", TestNode.ADMIN_KEY + "=admin");
    builder.environment().putIfAbsent("MARKETGATE_SHUTDOWN_DRAIN", "0s");
    // Remoting over mutual TLS, as every node that is not a loopback one-node cluster needs; an
    // empty value starts the node without key material.
    builder
        .environment()
        .putIfAbsent("MARKETGATE_TLS_DIR", TestCertificates.cluster().issue(name).toString());
    if (builder.environment().get("MARKETGATE_TLS_DIR").isEmpty())
      builder.environment().remove("MARKETGATE_TLS_DIR");
    builder
        .environment()
        .forEach(
            (k, v) -> {
              if (k.endsWith("_API_KEY") || k.endsWith("_BACKUP_KEYS")) SecretWatch.register(v);
              if (k.equals("MARKETGATE_CLIENTS")) SecretWatch.register(v.replaceAll("=[^,]*", ""));
            });
    builder.environment().put("MARKETGATE_HTTP_PORT", Integer.toString(http));
    builder.environment().put("MARKETGATE_MANAGEMENT_PORT", Integer.toString(management));
    builder.environment().put("MARKETGATE_METRICS_PORT", Integer.toString(FreePorts.next()));
    builder.environment().putIfAbsent("MARKETGATE_REMOTE_PORT", Integer.toString(FreePorts.next()));
    Path log = Path.of("target", "gateway-" + name + "-" + System.currentTimeMillis() + ".log");
    try {
      Files.createDirectories(log.getParent());
      builder.redirectErrorStream(true).redirectOutput(log.toFile());
      return new GatewayProcess(builder.start(), http, management, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The shaded jar under test: the {@code marketgate.jar} system property the build sets. */
  public static Path jar() {
    String property = System.getProperty("marketgate.jar");
    if (property == null)
      throw new IllegalStateException(
          "marketgate.jar is not set: run the *IT classes through mvn verify (failsafe)");
    Path jar = Path.of(property);
    if (!Files.isRegularFile(jar))
      throw new IllegalStateException(jar + " is missing: mvn package builds it");
    return jar;
  }

  /**
   * Runs the jar with {@code args} (a one-off command such as {@code migrate-shards}) in {@code
   * env}, waits for it and returns its exit status and output.
   */
  public static Exit runCommand(Map<String, String> env, Duration within, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar().toString()));
    command.addAll(List.of(args));
    Path output =
        Path.of("target", "command-" + args[0] + "-" + System.currentTimeMillis() + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().putAll(env);
    try {
      Process process = builder.start();
      if (!process.waitFor(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(
            "java -jar marketgate.jar "
                + String.join(" ", args)
                + " did not finish within "
                + within
                + ", see "
                + output.toAbsolutePath());
      }
      String printed = Files.readString(output);
      SecretWatch.inspect("output of marketgate.jar " + String.join(" ", args), printed);
      return new Exit(process.exitValue(), printed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A finished command: its exit status and everything it printed. */
  public record Exit(int status, String output) {}

  /**
   * Starts a node that must not become ready, and waits until it has exited on its own.
   *
   * @return its exit status and log
   */
  public static Exit startExpectingExit(
      String name, Map<String, String> env, Map<String, String> systemProperties, Duration within) {
    GatewayProcess node = launch(name, env, systemProperties);
    try {
      if (!node.process.waitFor(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        node.process.destroyForcibly();
        throw new AssertionError(
            "node "
                + name
                + " still runs "
                + within
                + " after its start, see "
                + node.log.toAbsolutePath());
      }
      return new Exit(node.process.exitValue(), node.logText());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      node.close();
    }
  }

  /** Everything the node has logged so far. */
  public String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether {@code /ready} answers 200 now (false for a node that is gone or draining). */
  public boolean readyNow() {
    try {
      return Http.get("http://127.0.0.1:" + managementPort + "/ready").status() == 200;
    } catch (RuntimeException notYet) {
      return false;
    }
  }

  public boolean alive() {
    return process.isAlive();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + httpPort + path;
  }

  /** GET a Pekko Management endpoint, e.g. {@code /cluster/members}. */
  public Http.Answer managementGet(String path) {
    return Http.get("http://127.0.0.1:" + managementPort + path);
  }

  /** GET an operations endpoint as the admin client. */
  public Http.Answer adminGet(String path) {
    return Http.get(url(path), "X-API-Key", TestNode.ADMIN_KEY);
  }

  /** SIGTERM, as Kubernetes sends it, and wait until the JVM has exited. */
  public void terminate(Duration within) {
    process.destroy();
    try {
      if (!process.waitFor(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            "node did not exit within " + within + " of SIGTERM, see " + log.toAbsolutePath());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGKILL: no shutdown hook, no hand-off, nothing flushed. */
  public void kill() {
    process.destroyForcibly();
    waitForExit();
  }

  private void waitForExit() {
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public File log() {
    return log.toFile();
  }

  /** Stops the process and checks its whole log for provider keys. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      SecretWatch.inspect("log of gateway process " + log, Files.readString(log));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
