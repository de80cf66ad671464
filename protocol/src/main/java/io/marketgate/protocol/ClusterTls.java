package io.marketgate.protocol;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.apache.pekko.pki.pem.DERPrivateKeyLoader;
import org.apache.pekko.pki.pem.PEMDecoder;

/**
 * Artery over TLS with mutual authentication, for every JVM of the cluster: gateway nodes and
 * services that join with a sharding proxy alike. Pekko's {@code RotatingKeysSSLEngineProvider}
 * reads {@code tls.key}, {@code tls.crt} and {@code ca.crt} from one directory (the layout of a
 * {@code kubernetes.io/tls} Secret and of cert-manager) and re-reads them every reload interval, so
 * a renewed certificate is used without a restart. It accepts a peer only when the peer's
 * certificate comes from the same CA and shares a subject name (CN or DNS name) with its own.
 *
 * <p>Pekko reads the files lazily, on the first connection: a missing or unusable file would show
 * up as failing handshakes of a node that otherwise looks started. {@link #check} reads them before
 * the actor system exists, so that such a JVM refuses to start and says why.
 */
public final class ClusterTls {
  public static final String KEY_FILE = "tls.key";
  public static final String CERT_FILE = "tls.crt";
  public static final String CA_FILE = "ca.crt";

  private static final String ENGINE = "pekko.remote.artery.ssl.rotating-keys-engine.";
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_USAGE = "2.5.29.37.0";

  private ClusterTls() {}

  /** What the key material in a directory is, once {@link #check} has accepted it. */
  public record KeyMaterial(
      Path directory,
      String subject,
      Set<String> names,
      String serial,
      Instant notAfter,
      String issuer) {
    @Override
    public String toString() {
      return subject
          + " (names "
          + names
          + ", serial "
          + serial
          + ", valid until "
          + notAfter
          + ", issued by "
          + issuer
          + ") from "
          + directory;
    }
  }

  /**
   * The settings that put this JVM's remoting on TLS with the key material in {@code directory},
   * re-read every {@code reloadInterval}: overrides to put in front of the JVM's configuration.
   */
  public static Config remoting(Path directory, Duration reloadInterval) {
    Path dir = directory.toAbsolutePath();
    return ConfigFactory.empty()
        .withValue("pekko.remote.artery.transport", ConfigValueFactory.fromAnyRef("tls-tcp"))
        .withValue(
            "pekko.remote.artery.ssl.ssl-engine-provider",
            ConfigValueFactory.fromAnyRef(
                "org.apache.pekko.remote.artery.tcp.ssl.RotatingKeysSSLEngineProvider"))
        .withValue(ENGINE + "key-file", path(dir.resolve(KEY_FILE)))
        .withValue(ENGINE + "cert-file", path(dir.resolve(CERT_FILE)))
        .withValue(ENGINE + "ca-cert-file", path(dir.resolve(CA_FILE)))
        .withValue(
            ENGINE + "ssl-context-cache-ttl",
            ConfigValueFactory.fromAnyRef(reloadInterval.toMillis() + "ms"));
  }

  private static com.typesafe.config.ConfigValue path(Path p) {
    return ConfigValueFactory.fromAnyRef(p.toString());
  }

  /**
   * Reads the key material as Pekko will and checks what it needs: the three files, PEM
   * certificates, the node certificate issued by the CA and valid now, an unencrypted RSA key
   * (PKCS#1 or PKCS#8) that belongs to it, and a subject name for peers to share.
   *
   * @throws IllegalArgumentException saying what is missing or wrong
   */
  public static KeyMaterial check(Path directory) {
    if (!Files.isDirectory(directory))
      throw new IllegalArgumentException(
          "the TLS key material directory " + directory + " does not exist");
    List<String> missing = new ArrayList<>();
    for (String file : List.of(KEY_FILE, CERT_FILE, CA_FILE)) {
      if (!Files.isReadable(directory.resolve(file))) missing.add(file);
    }
    if (!missing.isEmpty())
      throw new IllegalArgumentException(
          "the TLS key material directory "
              + directory
              + " lacks "
              + String.join(", ", missing)
              + " (it needs tls.key, tls.crt and ca.crt)");
    X509Certificate ca = certificate(directory, CA_FILE);
    X509Certificate cert = certificate(directory, CERT_FILE);
    PrivateKey key = privateKey(directory);
    Instant now = Instant.now();
    requireValid(ca, CA_FILE, now);
    requireValid(cert, CERT_FILE, now);
    try {
      cert.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          CERT_FILE
              + " ("
              + cert.getSubjectX500Principal().getName()
              + ") is not issued by the CA in "
              + CA_FILE
              + " ("
              + ca.getSubjectX500Principal().getName()
              + "); Pekko accepts only certificates issued directly by that CA");
    }
    if (!(key instanceof RSAPrivateCrtKey rsa)
        || !(cert.getPublicKey() instanceof RSAPublicKey pub)
        || !rsa.getModulus().equals(pub.getModulus()))
      throw new IllegalArgumentException(
          KEY_FILE + " is not the RSA private key of the certificate in " + CERT_FILE);
    requireBothUsages(cert);
    Set<String> names = subjectNames(cert);
    if (names.isEmpty())
      throw new IllegalArgumentException(
          CERT_FILE
              + " has no CN and no DNS name: peers are accepted only when their certificates share"
              + " one");
    return new KeyMaterial(
        directory,
        cert.getSubjectX500Principal().getName(),
        names,
        cert.getSerialNumber().toString(16),
        cert.getNotAfter().toInstant(),
        ca.getSubjectX500Principal().getName());
  }

  /** The file's one certificate: Pekko reads only the first, so a bundle would trust less. */
  private static X509Certificate certificate(Path directory, String file) {
    try {
      byte[] pem = Files.readAllBytes(directory.resolve(file));
      Collection<? extends java.security.cert.Certificate> all =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem));
      if (all.isEmpty()) throw new CertificateException("no certificate in it");
      if (all.size() > 1)
        throw new IllegalArgumentException(
            file
                + " in "
                + directory
                + " holds "
                + all.size()
                + " certificates; Pekko uses only the first, so it must hold exactly one");
      return (X509Certificate) all.iterator().next();
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException(
          file + " in " + directory + " is not a PEM certificate: " + e.getMessage());
    }
  }

  private static PrivateKey privateKey(Path directory) {
    try {
      String pem = Files.readString(directory.resolve(KEY_FILE), StandardCharsets.US_ASCII);
      return DERPrivateKeyLoader.load(PEMDecoder.decode(pem));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          KEY_FILE
              + " in "
              + directory
              + " is not an unencrypted RSA private key in PEM (PKCS#1 or PKCS#8): "
              + e.getMessage());
    }
  }

  /**
   * Every node is TLS client (outbound) and server (inbound): a certificate restricted to one of
   * them passes everything else and then fails every handshake in the other direction.
   */
  private static void requireBothUsages(X509Certificate cert) {
    try {
      List<String> usages = cert.getExtendedKeyUsage();
      if (usages != null
          && !usages.contains(ANY_USAGE)
          && !(usages.contains(SERVER_AUTH) && usages.contains(CLIENT_AUTH)))
        throw new IllegalArgumentException(
            CERT_FILE
                + " must allow both TLS server and client authentication (extended key usage"
                + " serverAuth and clientAuth): every node is both; it allows "
                + usages);
    } catch (java.security.cert.CertificateParsingException e) {
      throw new IllegalArgumentException(
          CERT_FILE + " has an unreadable extended key usage: " + e.getMessage());
    }
  }

  private static void requireValid(X509Certificate cert, String file, Instant now) {
    if (now.isBefore(cert.getNotBefore().toInstant()))
      throw new IllegalArgumentException(
          file + " is not valid before " + cert.getNotBefore().toInstant());
    if (now.isAfter(cert.getNotAfter().toInstant()))
      throw new IllegalArgumentException(file + " expired at " + cert.getNotAfter().toInstant());
  }

  /** The CN and the DNS names: what Pekko compares between peers. */
  static Set<String> subjectNames(X509Certificate cert) {
    Set<String> names = new LinkedHashSet<>();
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) names.add(rdn.getValue().toString());
      }
      Collection<List<?>> alternatives = cert.getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> alternative : alternatives) {
          if (alternative.size() == 2 && Integer.valueOf(2).equals(alternative.get(0)))
            names.add(alternative.get(1).toString());
        }
      }
    } catch (InvalidNameException | CertificateException e) {
      throw new IllegalArgumentException(
          CERT_FILE + " has an unreadable subject: " + e.getMessage());
    }
    return names;
  }
}
