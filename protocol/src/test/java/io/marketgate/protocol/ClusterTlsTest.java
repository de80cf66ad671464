package io.marketgate.protocol;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link ClusterTls#check} accepts and how it names what is wrong, on certificates made by the
 * script users run ({@code scripts/dev-certs.sh}).
 */
class ClusterTlsTest {
  @TempDir Path temp;

  private void devCerts(String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = Path.of("..", "scripts", "dev-certs.sh").toAbsolutePath().normalize().toString();
    System.arraycopy(args, 0, command, 1, args.length);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
  }

  private Path node(String ca, String name) throws Exception {
    Path caDir = temp.resolve(ca);
    if (!Files.exists(caDir.resolve("ca.crt"))) devCerts("ca", caDir.toString());
    Path out = temp.resolve(ca + "-" + name);
    devCerts("node", caDir.toString(), out.toString(), name);
    return out;
  }

  private static String refusal(Path dir) {
    return assertThrows(IllegalArgumentException.class, () -> ClusterTls.check(dir)).getMessage();
  }

  @Test
  void acceptsANodeCertificateOfItsCa() throws Exception {
    Path dir = node("ca", "node-0");
    ClusterTls.KeyMaterial material = ClusterTls.check(dir);
    assertEquals("CN=node-0", material.subject());
    assertEquals(Set.of("node-0", "marketgate-cluster"), material.names());
    assertTrue(material.issuer().startsWith("CN=Marketgate dev CA"));
    assertFalse(material.serial().isEmpty());
  }

  @Test
  void namesMissingFiles() throws Exception {
    Path dir = node("ca", "node-1");
    Files.delete(dir.resolve("ca.crt"));
    Files.delete(dir.resolve("tls.key"));
    assertEquals(
        "the TLS key material directory "
            + dir
            + " lacks tls.key, ca.crt (it needs tls.key, tls.crt and ca.crt)",
        refusal(dir));
  }

  @Test
  void refusesACertificateOfAnotherCa() throws Exception {
    Path dir = node("ca", "node-2");
    Path other = node("other", "node-x");
    Files.copy(other.resolve("ca.crt"), dir.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
    assertTrue(refusal(dir).startsWith("tls.crt (CN=node-2) is not issued by the CA in ca.crt"));
  }

  @Test
  void refusesAKeyOfAnotherCertificate() throws Exception {
    Path dir = node("ca", "node-3");
    Path sibling = node("ca", "node-4");
    Files.copy(
        sibling.resolve("tls.key"), dir.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);
    assertEquals("tls.key is not the RSA private key of the certificate in tls.crt", refusal(dir));
  }

  @Test
  void refusesPlaceholdersThatAreNotPem() throws Exception {
    Path dir = node("ca", "node-5");
    Files.writeString(dir.resolve("tls.crt"), "placeholder: replace this Secret\n");
    assertTrue(refusal(dir).startsWith("tls.crt in " + dir + " is not a PEM certificate"));
    Path keyless = node("ca", "node-6");
    Files.writeString(keyless.resolve("tls.key"), "placeholder: replace this Secret\n");
    assertTrue(refusal(keyless).startsWith("tls.key in " + keyless + " is not an unencrypted RSA"));
  }

  @Test
  void refusesACaFileWithSeveralCertificates() throws Exception {
    Path dir = node("ca", "node-8");
    Path other = node("other", "node-y");
    Files.writeString(
        dir.resolve("ca.crt"),
        Files.readString(dir.resolve("ca.crt")) + Files.readString(other.resolve("ca.crt")));
    assertTrue(refusal(dir).contains("ca.crt in " + dir + " holds 2 certificates"), refusal(dir));
  }

  @Test
  void refusesACertificateForServersOnly() throws Exception {
    Path dir = node("ca", "node-9");
    Path ca = temp.resolve("ca");
    Path ext = temp.resolve("server-only.ext");
    Files.writeString(ext, "subjectAltName=DNS:marketgate-cluster\nextendedKeyUsage=serverAuth\n");
    Path csr = temp.resolve("node-9.csr");
    openssl(
        "req",
        "-new",
        "-key",
        dir.resolve("tls.key").toString(),
        "-subj",
        "/CN=node-9",
        "-out",
        csr.toString());
    openssl(
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        ca.resolve("ca.crt").toString(),
        "-CAkey",
        ca.resolve("ca.key").toString(),
        "-set_serial",
        "99",
        "-days",
        "30",
        "-extfile",
        ext.toString(),
        "-out",
        dir.resolve("tls.crt").toString());
    assertTrue(
        refusal(dir).startsWith("tls.crt must allow both TLS server and client authentication"),
        refusal(dir));
  }

  private static void openssl(String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = "openssl";
    System.arraycopy(args, 0, command, 1, args.length);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
  }

  @Test
  void remotingPointsPekkoAtTheFiles() throws Exception {
    Path dir = node("ca", "node-7");
    var config = ClusterTls.remoting(dir, java.time.Duration.ofSeconds(90));
    assertEquals("tls-tcp", config.getString("pekko.remote.artery.transport"));
    assertEquals(
        dir.toAbsolutePath().resolve("ca.crt").toString(),
        config.getString("pekko.remote.artery.ssl.rotating-keys-engine.ca-cert-file"));
    assertEquals(
        90,
        config
            .getDuration("pekko.remote.artery.ssl.rotating-keys-engine.ssl-context-cache-ttl")
            .toSeconds());
  }
}
