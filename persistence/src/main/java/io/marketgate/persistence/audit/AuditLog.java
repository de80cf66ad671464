package io.marketgate.persistence.audit;

import io.marketgate.persistence.db.Database;
import io.marketgate.persistence.writer.BatchWriter;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The durable, append-only audit trail: {@link #record} never blocks (rows go through a {@link
 * BatchWriter}); {@link #search} reads it back with filters and paging.
 */
public final class AuditLog implements AuditTrail {
  private static final String COLUMNS =
      "id, at, action, provider, endpoint, subject, outcome, latency_ms, client, rights_profile, allowed, detail";

  /** One page of an audit search and how many rows match in all. */
  public record Page(List<AuditEvent> events, long total) {}

  private final Database database;
  private final BatchWriter<AuditEvent> writer;

  public AuditLog(
      ActorSystem<?> system,
      Database database,
      BatchWriter.Settings settings,
      BatchWriter.Metrics metrics) {
    this.database = database;
    String insert =
        database
            .dialect()
            .insertIgnoringDuplicates(
                "audit_log", COLUMNS, "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?", "id");
    this.writer =
        new BatchWriter<>(
            "audit",
            system,
            database,
            (c, batch) -> {
              try (PreparedStatement ps = c.prepareStatement(insert)) {
                for (AuditEvent e : batch) {
                  bind(ps, e);
                  ps.addBatch();
                }
                ps.executeBatch();
              }
            },
            settings,
            metrics);
  }

  /** Queues an event; false when the buffer was full and it was dropped (counted). */
  @Override
  public boolean record(AuditEvent event) {
    return writer.offer(event);
  }

  public BatchWriter<AuditEvent> writer() {
    return writer;
  }

  public CompletionStage<Page> search(AuditQuery q) {
    return database.run(
        c -> {
          StringBuilder where = new StringBuilder(" WHERE 1 = 1");
          List<Object> args = new ArrayList<>();
          if (q.from() != null) {
            where.append(" AND at >= ?");
            args.add(Timestamp.from(q.from()));
          }
          if (q.to() != null) {
            where.append(" AND at < ?");
            args.add(Timestamp.from(q.to()));
          }
          if (q.action() != null) {
            where.append(" AND action = ?");
            args.add(q.action());
          }
          if (q.provider() != null) {
            where.append(" AND provider = ?");
            args.add(q.provider());
          }
          if (q.client() != null) {
            where.append(" AND client = ?");
            args.add(q.client());
          }
          if (q.allowed() != null) {
            where.append(" AND allowed = ?");
            args.add(q.allowed());
          }
          long total;
          try (PreparedStatement ps =
              c.prepareStatement("SELECT COUNT(*) FROM audit_log" + where)) {
            bindAll(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              total = rs.getLong(1);
            }
          }
          List<AuditEvent> events = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM audit_log"
                      + where
                      + " ORDER BY at DESC, id LIMIT ? OFFSET ?")) {
            bindAll(ps, args);
            ps.setInt(args.size() + 1, q.size());
            ps.setLong(args.size() + 2, (long) q.page() * q.size());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) events.add(read(rs));
            }
          }
          return new Page(events, total);
        });
  }

  private static void bindAll(PreparedStatement ps, List<Object> args) throws SQLException {
    for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
  }

  private static void bind(PreparedStatement ps, AuditEvent e) throws SQLException {
    ps.setObject(1, e.id());
    ps.setTimestamp(2, Timestamp.from(e.at()));
    ps.setString(3, e.action());
    ps.setString(4, e.provider());
    ps.setString(5, e.endpoint());
    ps.setString(6, truncate(e.subject(), 256));
    ps.setString(7, e.outcome());
    if (e.latencyMs() == null) ps.setNull(8, Types.BIGINT);
    else ps.setLong(8, e.latencyMs());
    ps.setString(9, e.client());
    ps.setString(10, e.rightsProfile());
    if (e.allowed() == null) ps.setNull(11, Types.BOOLEAN);
    else ps.setBoolean(11, e.allowed());
    ps.setString(12, truncate(e.detail(), 2000));
  }

  private static AuditEvent read(ResultSet rs) throws SQLException {
    long latency = rs.getLong("latency_ms");
    Long latencyMs = rs.wasNull() ? null : latency;
    boolean allowedValue = rs.getBoolean("allowed");
    Boolean allowed = rs.wasNull() ? null : allowedValue;
    return new AuditEvent(
        rs.getObject("id", UUID.class),
        rs.getTimestamp("at").toInstant(),
        rs.getString("action"),
        rs.getString("provider"),
        rs.getString("endpoint"),
        rs.getString("subject"),
        rs.getString("outcome"),
        latencyMs,
        rs.getString("client"),
        rs.getString("rights_profile"),
        allowed,
        rs.getString("detail"));
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }
}
