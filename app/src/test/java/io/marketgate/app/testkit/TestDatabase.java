package io.marketgate.app.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The database of a test: with {@code DATABASE_URL} set (as CI does), a schema of its own in that
 * PostgreSQL, dropped afterwards — and a test fails, never skips, when that database is
 * unreachable; without it, an embedded H2 file in a temporary directory. Nodes given the same
 * instance share it.
 */
public final class TestDatabase implements AutoCloseable {
  private final String url;
  private final String user;
  private final String password;
  private final String schema;
  private final Path dataDir;
  private org.h2.tools.Server h2Server;

  private TestDatabase(String url, String user, String password, String schema, Path dataDir) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.schema = schema;
    this.dataDir = dataDir;
  }

  public static TestDatabase create() {
    Path dir = tempDir();
    String baseUrl = System.getenv("DATABASE_URL");
    if (baseUrl == null || baseUrl.isBlank()) return new TestDatabase(null, null, null, null, dir);
    String user = envOr("DATABASE_USER", "postgres");
    String password = envOr("DATABASE_PASSWORD", "");
    String schema = "mg_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(baseUrl, user, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "DATABASE_URL is set but PostgreSQL is not usable: " + e.getMessage(), e);
    }
    String url = baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    return new TestDatabase(url, user, password, schema, dir);
  }

  public boolean isPostgres() {
    return url != null;
  }

  /**
   * HOCON pointing a node at this PostgreSQL database through another port on 127.0.0.1 (a relay).
   */
  public String configVia(int port) {
    if (url == null)
      throw new IllegalStateException("only a PostgreSQL database can be reached through a relay");
    String relayed = url.replaceFirst("//[^/]+/", "//127.0.0.1:" + port + "/");
    return config().replace(url, relayed);
  }

  /** Host and port of the PostgreSQL server. */
  public java.net.InetSocketAddress server() {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("//([^:/]+)(?::(\\d+))?/").matcher(url);
    if (!m.find()) throw new IllegalStateException("cannot read host and port from " + url);
    return new java.net.InetSocketAddress(
        m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)));
  }

  /** HOCON for a node using this database. */
  public String config() {
    String dir = "marketgate.data-dir = \"" + dataDir.toString().replace('\\', '/') + "\"\n";
    if (url == null) return dir;
    return dir
        + "marketgate.database.url = \""
        + url
        + "\"\n"
        + "marketgate.database.user = \""
        + user
        + "\"\n"
        + "marketgate.database.password = \""
        + password
        + "\"\n";
  }

  /** A plain JDBC connection, for tests that look into the tables. */
  public Connection connect() throws SQLException {
    if (url != null) return DriverManager.getConnection(url, user, password);
    if (h2Server != null)
      return DriverManager.getConnection(sharedEnvironment().get("DATABASE_URL"), "sa", "");
    return DriverManager.getConnection(
        "jdbc:h2:file:"
            + dataDir.toAbsolutePath().resolve("marketgate").toString().replace('\\', '/')
            + ";DATABASE_TO_LOWER=TRUE;DB_CLOSE_ON_EXIT=FALSE",
        "sa",
        "");
  }

  /** Environment variables that point a separate gateway process at this database. */
  public java.util.Map<String, String> environment() {
    java.util.Map<String, String> env = new java.util.HashMap<>();
    env.put("MARKETGATE_DATA_DIR", dataDir.toString());
    if (url != null) {
      env.put("DATABASE_URL", url);
      env.put("DATABASE_USER", user);
      env.put("DATABASE_PASSWORD", password);
    }
    return env;
  }

  /**
   * Environment variables that point several gateway processes at this one database: PostgreSQL, or
   * without it an H2 server over this test's H2 directory (separate processes cannot share a file).
   */
  public synchronized java.util.Map<String, String> sharedEnvironment() {
    if (url != null) return environment();
    try {
      if (h2Server == null) {
        h2Server =
            org.h2.tools.Server.createTcpServer(
                    "-tcpPort", "0", "-ifNotExists", "-baseDir", dataDir.toString())
                .start();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot start an H2 server", e);
    }
    java.util.Map<String, String> env = new java.util.HashMap<>(environment());
    // The H2 server's database belongs to the user that first connects: the nodes and the test's
    // own connections use the same one.
    env.put("DATABASE_USER", "sa");
    env.put("DATABASE_PASSWORD", "");
    env.put(
        "DATABASE_URL",
        "jdbc:h2:tcp://127.0.0.1:" + h2Server.getPort() + "/marketgate;DATABASE_TO_LOWER=TRUE");
    return env;
  }

  @Override
  public void close() {
    if (h2Server != null) h2Server.stop();
    if (url != null) {
      try (Connection c = DriverManager.getConnection(url, user, password);
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA " + schema + " CASCADE");
      } catch (SQLException e) {
        throw new IllegalStateException("could not drop test schema " + schema, e);
      }
    }
    try (Stream<Path> paths = Files.walk(dataDir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // Nothing left to clean.
    }
  }

  private static String envOr(String name, String fallback) {
    String v = System.getenv(name);
    return v == null ? fallback : v;
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("marketgate-db");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
