package io.marketgate.bench;

import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.marketgate.app.stream.pipeline.PipelineCounters;
import io.marketgate.app.stream.pipeline.WriteCoordinator;
import io.marketgate.persistence.db.SqlDialect;
import io.marketgate.persistence.stream.StreamStore;
import io.marketgate.protocol.stream.StreamEvent;
import io.marketgate.protocol.stream.StreamQuote;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Rows per second into PostgreSQL through the pipelines' write coordinator, against a baseline of
 * {@code psql \copy} of the same rows into a staging table plus the same {@code INSERT … ON
 * CONFLICT DO NOTHING}, into the same table and index, in the same run. Rounds alternate; each
 * starts from an empty table. The tables are the stream tables' migration, in a schema of its own.
 *
 * <pre>DATABASE_URL=jdbc:postgresql://127.0.0.1:5432/test bench/run.sh ingest [--rows 1000000]
 * [--rounds 3]</pre>
 */
public final class IngestBench {
  private static final String SCHEMA = "bench_ingest";
  private static final Instant T0 = Instant.parse("2026-12-08T14:30:00Z");

  private record Round(String writer, long rows, double seconds) {
    double rowsPerSecond() {
      return rows / seconds;
    }
  }

  public static void main(String[] args) throws Exception {
    int rows = 1_000_000;
    int rounds = 3;
    Path markdown = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--markdown" -> markdown = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    String url = System.getenv("DATABASE_URL");
    if (url == null || !url.startsWith("jdbc:postgresql:"))
      throw new IllegalStateException("set DATABASE_URL to a jdbc:postgresql:// database");
    String user = System.getenv().getOrDefault("DATABASE_USER", "postgres");
    List<StreamEvent> events = quotes(rows);
    Path csv = Files.createTempFile("ingest", ".csv");
    Files.writeString(csv, StreamStore.csvOf(events), StandardCharsets.UTF_8);
    HikariDataSource pool = pool(url, user);
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "ingest",
            ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ConfigFactory.load()));
    List<Round> results = new ArrayList<>();
    try {
      schema(pool);
      for (int r = 1; r <= rounds; r++) {
        results.add(copyBaseline(pool, url, user, csv, rows));
        results.add(coordinator(pool, system, events));
        System.out.printf(
            "round %d: psql \\copy %,.0f rows/s, coordinator %,.0f rows/s%n",
            r,
            results.get(results.size() - 2).rowsPerSecond(),
            results.get(results.size() - 1).rowsPerSecond());
      }
    } finally {
      system.terminate();
      pool.close();
      Files.deleteIfExists(csv);
    }
    String report = report(results, rows);
    System.out.println(report);
    if (markdown != null) {
      Files.createDirectories(markdown.toAbsolutePath().getParent());
      Files.writeString(markdown, report);
    }
  }

  private static List<StreamEvent> quotes(int n) {
    List<StreamEvent> events = new ArrayList<>(n);
    String[] symbols = new String[100];
    for (int i = 0; i < symbols.length; i++) symbols[i] = "SYM" + i;
    for (int i = 0; i < n; i++)
      events.add(
          new StreamQuote(
              "polygon",
              symbols[i % symbols.length],
              T0.plusMillis(i / symbols.length),
              i,
              BigDecimal.valueOf(10_000 + i % 500, 2),
              300L,
              BigDecimal.valueOf(10_002 + i % 500, 2),
              200L,
              null,
              false));
    return events;
  }

  private static HikariDataSource pool(String url, String user) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(System.getenv("DATABASE_PASSWORD"));
    config.setMaximumPoolSize(4);
    config.setConnectionInitSql("SET search_path TO " + SCHEMA);
    return new HikariDataSource(config);
  }

  /** The stream tables as the migration creates them, in the bench's own schema. */
  private static void schema(HikariDataSource pool) throws SQLException, IOException {
    String ddl;
    try (InputStream in =
        IngestBench.class.getResourceAsStream("/db/migration/postgres/V4__stream_tables.sql")) {
      ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try (Connection c = pool.getConnection();
        Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
      st.execute("CREATE SCHEMA " + SCHEMA);
      st.execute("SET search_path TO " + SCHEMA);
      st.execute(ddl);
    }
  }

  private static void truncate(HikariDataSource pool) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement st = c.createStatement()) {
      st.execute("TRUNCATE stream_quotes");
      st.execute("VACUUM ANALYZE stream_quotes");
    }
  }

  private static long count(HikariDataSource pool) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement st = c.createStatement();
        var rs = st.executeQuery("SELECT COUNT(*) FROM stream_quotes")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** {@code psql}: \copy the CSV into a staging table, then the same insert, in one session. */
  private static Round copyBaseline(
      HikariDataSource pool, String url, String user, Path csv, int rows) throws Exception {
    truncate(pool);
    String libpq = "postgresql://" + user + "@" + url.substring("jdbc:postgresql://".length());
    String script =
        String.join(
            "\n",
            "SET search_path TO " + SCHEMA + ";",
            "CREATE TEMP TABLE staging (LIKE stream_quotes INCLUDING DEFAULTS);",
            "\\copy staging (source, symbol, ts, seq, bid, ask, last, bid_size, ask_size) FROM '"
                + csv
                + "' WITH (FORMAT csv)",
            "INSERT INTO stream_quotes SELECT * FROM staging ON CONFLICT (source, symbol, ts, seq)"
                + " DO NOTHING;");
    long start = System.nanoTime();
    Process psql =
        new ProcessBuilder("psql", "-q", "-v", "ON_ERROR_STOP=1", libpq)
            .redirectErrorStream(true)
            .start();
    psql.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
    psql.getOutputStream().close();
    String output = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (psql.waitFor() != 0) throw new IllegalStateException("psql failed: " + output);
    double seconds = (System.nanoTime() - start) / 1e9;
    long stored = count(pool);
    if (stored != rows) throw new IllegalStateException("psql stored " + stored + " rows");
    return new Round("psql \\copy + INSERT … ON CONFLICT", rows, seconds);
  }

  /**
   * The write coordinator with its defaults' shape: 20,000 buffered, batches of 5,000, 4 writers.
   */
  private static Round coordinator(
      HikariDataSource pool, ActorSystem<Void> system, List<StreamEvent> events) throws Exception {
    truncate(pool);
    StreamStore store = new StreamStore(SqlDialect.POSTGRES);
    ExecutorService jdbc = Executors.newFixedThreadPool(4);
    PipelineCounters counters = new PipelineCounters();
    WriteCoordinator.Settings settings =
        new WriteCoordinator.Settings(
            20_000,
            5_000,
            Duration.ofMillis(250),
            4,
            5,
            Duration.ofMillis(100),
            Duration.ofSeconds(5));
    long start = System.nanoTime();
    try {
      Source.from(events)
          .map(
              e -> {
                counters.received(1);
                return e;
              })
          .runWith(
              WriteCoordinator.sink(
                  system,
                  settings,
                  batch ->
                      CompletableFuture.supplyAsync(
                          () -> {
                            try (Connection c = pool.getConnection()) {
                              return store.write(c, batch);
                            } catch (SQLException e) {
                              throw new java.util.concurrent.CompletionException(e);
                            }
                          },
                          jdbc),
                  (batch, reason) -> {
                    throw new IllegalStateException("a bench batch was refused: " + reason);
                  },
                  counters,
                  WriteCoordinator.Observer.NONE),
              system)
          .toCompletableFuture()
          .get(10, TimeUnit.MINUTES);
    } finally {
      jdbc.shutdown();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long stored = count(pool);
    if (stored != events.size()) throw new IllegalStateException("stored " + stored + " rows");
    return new Round("write coordinator (COPY + INSERT … ON CONFLICT)", events.size(), seconds);
  }

  private static String report(List<Round> results, int rows) {
    StringBuilder md = new StringBuilder();
    md.append("| round | writer | rows | seconds | rows/s |\n|---|---|---|---|---|\n");
    for (int i = 0; i < results.size(); i++) {
      Round r = results.get(i);
      md.append(
          String.format(
              "| %d | %s | %,d | %.2f | %,.0f |%n",
              i / 2 + 1, r.writer(), r.rows(), r.seconds(), r.rowsPerSecond()));
    }
    double baseline = median(results, 0);
    double coordinator = median(results, 1);
    md.append(
        String.format(
            "%nMedians: psql %,.0f rows/s, coordinator %,.0f rows/s: **%.2f×** the baseline (%,d"
                + " quote rows per round, primary key on (source, symbol, ts, seq)).%n",
            baseline, coordinator, coordinator / baseline, rows));
    return md.toString();
  }

  private static double median(List<Round> results, int parity) {
    List<Double> values = new ArrayList<>();
    for (int i = parity; i < results.size(); i += 2) values.add(results.get(i).rowsPerSecond());
    values.sort(Double::compare);
    return values.get(values.size() / 2);
  }
}
