package io.marketgate.app.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Certificates for the cluster's mutual TLS, made at test time by the script users run for local
 * clusters ({@code scripts/dev-certs.sh}), in a temporary directory removed when the JVM exits.
 */
public final class TestCertificates {
  private static final Path ROOT = createRoot();
  private static Authority shared;

  private TestCertificates() {}

  /** A CA: issues node certificates into directories of the layout the node reads. */
  public record Authority(Path directory) {
    /** A new key and certificate named {@code name}, issued into {@code out} (rotating it). */
    public Path issue(Path out, String name) {
      run("node", directory.toString(), out.toString(), name);
      return out;
    }

    /** A new key and certificate named {@code name}, in a new directory. */
    public Path issue(String name) {
      return issue(
          ROOT.resolve(directory.getFileName() + "-" + name + "-" + System.nanoTime()), name);
    }
  }

  /** A new CA of its own. */
  public static Authority newAuthority(String name) {
    Path dir = ROOT.resolve("ca-" + name + "-" + System.nanoTime());
    run("ca", dir.toString());
    return new Authority(dir);
  }

  /** The CA of every gateway process of this test JVM, unless a test gives a node another. */
  public static synchronized Authority cluster() {
    if (shared == null) shared = newAuthority("cluster");
    return shared;
  }

  /** The serial number (hex, lower case) of the certificate in {@code dir}. */
  public static String serial(Path dir) {
    return openssl("x509", "-in", dir.resolve("tls.crt").toString(), "-noout", "-serial")
        .replace("serial=", "")
        .trim()
        .toLowerCase();
  }

  /**
   * The serial of the certificate a TLS server on {@code 127.0.0.1:port} presents to a client with
   * the key material in {@code clientDir} (hex, lower case).
   */
  public static String presentedSerial(int port, Path clientDir) {
    String chain =
        openssl(
            "s_client",
            "-connect",
            "127.0.0.1:" + port,
            "-cert",
            clientDir.resolve("tls.crt").toString(),
            "-key",
            clientDir.resolve("tls.key").toString(),
            "-CAfile",
            clientDir.resolve("ca.crt").toString());
    Path pem = ROOT.resolve("presented-" + System.nanoTime() + ".pem");
    try {
      Files.writeString(pem, chain);
      return openssl("x509", "-in", pem.toString(), "-noout", "-serial")
          .replace("serial=", "")
          .trim()
          .toLowerCase();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void run(String... args) {
    Path script = Path.of(System.getProperty("user.dir")).resolve("../scripts/dev-certs.sh");
    List<String> command = new ArrayList<>(List.of(script.normalize().toString()));
    command.addAll(List.of(args));
    Result r = exec(command);
    if (r.status != 0)
      throw new IllegalStateException(
          "scripts/dev-certs.sh " + String.join(" ", args) + ": " + r.out);
  }

  private static String openssl(String... args) {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Result r = exec(command);
    if (r.status != 0) throw new IllegalStateException(String.join(" ", command) + ": " + r.out);
    return r.out;
  }

  private record Result(int status, String out) {}

  private static Result exec(List<String> command) {
    try {
      Path out = Files.createTempFile(ROOT, "exec", ".out");
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish in 30 s");
      }
      return new Result(p.exitValue(), Files.readString(out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path createRoot() {
    try {
      Path root = Files.createTempDirectory("marketgate-certs");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(root)));
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort at JVM exit
    }
  }
}
