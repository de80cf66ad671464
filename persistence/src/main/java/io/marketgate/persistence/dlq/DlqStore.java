package io.marketgate.persistence.dlq;

import io.marketgate.persistence.db.Database;
import io.marketgate.persistence.writer.BatchWriter;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The read model of the dead-letter entries ({@code dlq_entries}). The entities write their state
 * after each persisted event and again when they recover; a row is only replaced by one with a
 * higher sequence number, so late or repeated writes never move it backwards.
 */
public final class DlqStore {
  private static final String[] COLUMNS = {
    "entry_id",
    "dataset",
    "symbol",
    "params",
    "status",
    "attempts",
    "last_errors",
    "created_at",
    "updated_at",
    "next_retry_at",
    "seq_nr"
  };

  /** One page of entries and how many have that status in all. */
  public record Page(List<DlqEntry> entries, long total) {}

  private final Database database;
  private final BatchWriter<DlqEntry> writer;

  public DlqStore(ActorSystem<?> system, Database database, BatchWriter.Metrics metrics) {
    this.database = database;
    String upsert = database.dialect().upsertIfNewer("dlq_entries", COLUMNS, "entry_id", "seq_nr");
    this.writer =
        new BatchWriter<>(
            "dlq_entries",
            system,
            database,
            (c, batch) -> {
              Map<String, DlqEntry> newest = new LinkedHashMap<>();
              for (DlqEntry e : batch)
                newest.merge(e.id(), e, (a, b) -> b.seqNr() >= a.seqNr() ? b : a);
              try (PreparedStatement ps = c.prepareStatement(upsert)) {
                for (DlqEntry e : newest.values()) {
                  ps.setString(1, e.id());
                  ps.setString(2, e.dataset());
                  ps.setString(3, e.symbol());
                  ps.setString(4, e.params());
                  ps.setString(5, e.status());
                  ps.setInt(6, e.attempts());
                  ps.setString(7, e.lastErrors());
                  ps.setLong(8, e.createdAt());
                  ps.setLong(9, e.updatedAt());
                  if (e.nextRetryAt() == null) ps.setNull(10, Types.BIGINT);
                  else ps.setLong(10, e.nextRetryAt());
                  ps.setLong(11, e.seqNr());
                  ps.addBatch();
                }
                ps.executeBatch();
              }
            },
            new BatchWriter.Settings(10_000, 200, java.time.Duration.ofMillis(100)),
            metrics);
  }

  void save(DlqEntry entry) {
    writer.offer(entry);
  }

  public CompletionStage<Page> list(String status, int page, int size) {
    return database.run(
        c -> {
          long total;
          try (PreparedStatement ps =
              c.prepareStatement("SELECT COUNT(*) FROM dlq_entries WHERE status = ?")) {
            ps.setString(1, status);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              total = rs.getLong(1);
            }
          }
          List<DlqEntry> entries = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + String.join(", ", COLUMNS)
                      + " FROM dlq_entries WHERE status = ? ORDER BY updated_at DESC, entry_id LIMIT ? OFFSET ?")) {
            ps.setString(1, status);
            ps.setInt(2, size);
            ps.setLong(3, (long) page * size);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) entries.add(read(rs));
            }
          }
          return new Page(entries, total);
        });
  }

  /** Entries per status, for the {@code dlq_entries{status}} gauge. */
  public CompletionStage<Map<String, Long>> countByStatus() {
    return database.run(
        c -> {
          Map<String, Long> counts = new LinkedHashMap<>();
          counts.put(DlqEntry.PENDING, 0L);
          counts.put(DlqEntry.FAILED, 0L);
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT status, COUNT(*) FROM dlq_entries GROUP BY status");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) counts.put(rs.getString(1), rs.getLong(2));
          }
          return counts;
        });
  }

  public BatchWriter<DlqEntry> writer() {
    return writer;
  }

  private static DlqEntry read(ResultSet rs) throws SQLException {
    long next = rs.getLong("next_retry_at");
    Long nextRetryAt = rs.wasNull() ? null : next;
    return new DlqEntry(
        rs.getString("entry_id"),
        rs.getString("dataset"),
        rs.getString("symbol"),
        rs.getString("params"),
        rs.getString("status"),
        rs.getInt("attempts"),
        rs.getString("last_errors"),
        rs.getLong("created_at"),
        rs.getLong("updated_at"),
        nextRetryAt,
        rs.getLong("seq_nr"));
  }
}
