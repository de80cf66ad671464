package io.marketgate.persistence.stream;

import io.marketgate.persistence.db.SqlDialect;
import io.marketgate.protocol.stream.StreamEvent;
import io.marketgate.protocol.stream.StreamGap;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Writes a batch of stream events in one transaction, idempotently: a row whose storage key is
 * already stored is skipped, so a retried or replayed batch adds nothing. On PostgreSQL each kind
 * of row goes by {@code COPY} into a temporary staging table, then {@code INSERT … SELECT … ON
 * CONFLICT DO NOTHING}; H2 has no COPY and takes a batch of {@code MERGE … WHEN NOT MATCHED}. Gaps
 * are no rows and are skipped.
 */
public final class StreamStore {
  private final SqlDialect dialect;

  public StreamStore(SqlDialect dialect) {
    this.dialect = dialect;
  }

  /**
   * @return the rows inserted (a replayed row is not)
   */
  public int write(Connection connection, List<StreamEvent> batch) throws SQLException {
    Map<StreamRows, List<StreamEvent>> byKind = new EnumMap<>(StreamRows.class);
    for (StreamEvent e : batch) {
      if (e instanceof StreamGap) continue;
      byKind.computeIfAbsent(StreamRows.of(e), k -> new ArrayList<>()).add(e);
    }
    if (byKind.isEmpty()) return 0;
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      int inserted = 0;
      for (Map.Entry<StreamRows, List<StreamEvent>> kind : byKind.entrySet())
        inserted +=
            dialect == SqlDialect.POSTGRES
                ? copy(connection, kind.getKey(), kind.getValue())
                : merge(connection, kind.getKey(), kind.getValue());
      connection.commit();
      return inserted;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  private static int copy(Connection connection, StreamRows rows, List<StreamEvent> events)
      throws SQLException {
    String staging = rows.table() + "_staging";
    String columns = String.join(", ", rows.columns());
    try (Statement st = connection.createStatement()) {
      // Per session, emptied at each commit: concurrent writers never see each other's rows.
      st.execute(
          "CREATE TEMP TABLE IF NOT EXISTS "
              + staging
              + " (LIKE "
              + rows.table()
              + " INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
    }
    CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
    try {
      copy.copyIn(
          "COPY " + staging + " (" + columns + ") FROM STDIN WITH (FORMAT csv)",
          new StringReader(csv(rows, events)));
    } catch (IOException e) {
      throw new SQLException("COPY into " + staging + " failed: " + e.getMessage(), "08000", e);
    }
    try (Statement st = connection.createStatement()) {
      return st.executeUpdate(
          "INSERT INTO "
              + rows.table()
              + " ("
              + columns
              + ") SELECT "
              + columns
              + " FROM "
              + staging
              + " ON CONFLICT ("
              + rows.key()
              + ") DO NOTHING");
    }
  }

  /**
   * Events of one kind as the CSV {@code COPY} reads (what a {@code psql \copy} baseline loads).
   */
  public static String csvOf(List<StreamEvent> events) {
    return events.isEmpty() ? "" : csv(StreamRows.of(events.get(0)), events);
  }

  /** CSV as COPY reads it: an unquoted empty field is NULL, text is quoted. */
  static String csv(StreamRows rows, List<StreamEvent> events) {
    StringBuilder out = new StringBuilder(events.size() * 80);
    for (StreamEvent e : events) {
      Object[] values = rows.values(e);
      for (int i = 0; i < values.length; i++) {
        if (i > 0) out.append(',');
        Object v = values[i];
        if (v == null) continue;
        if (v instanceof String s) out.append('"').append(s.replace("\"", "\"\"")).append('"');
        else if (v instanceof java.math.BigDecimal d) out.append(d.toPlainString());
        else out.append(v); // numbers, and instants in ISO-8601 UTC
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static int merge(Connection connection, StreamRows rows, List<StreamEvent> events)
      throws SQLException {
    List<String> columns = rows.columns();
    String on =
        java.util.Arrays.stream(rows.key().split(",\\s*"))
            .map(k -> "t." + k + " = s." + k)
            .collect(Collectors.joining(" AND "));
    String sql =
        "MERGE INTO "
            + rows.table()
            + " t USING (VALUES ("
            + String.join(", ", java.util.Collections.nCopies(columns.size(), "?"))
            + ")) AS s("
            + String.join(", ", columns)
            + ") ON "
            + on
            + " WHEN NOT MATCHED THEN INSERT ("
            + String.join(", ", columns)
            + ") VALUES ("
            + columns.stream().map(c -> "s." + c).collect(Collectors.joining(", "))
            + ")";
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (StreamEvent e : events) {
        rows.bind(ps, e);
        ps.addBatch();
      }
      int inserted = 0;
      for (int n : ps.executeBatch()) inserted += Math.max(0, n);
      return inserted;
    }
  }
}
