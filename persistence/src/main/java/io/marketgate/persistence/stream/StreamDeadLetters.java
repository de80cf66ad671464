package io.marketgate.persistence.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.marketgate.protocol.stream.StreamEvent;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code stream_dead_letters} table and its spool. */
public final class StreamDeadLetters {
  private static final Logger LOG = LoggerFactory.getLogger(StreamDeadLetters.class);
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();
  private static final TypeReference<List<StreamEvent>> EVENTS = new TypeReference<>() {};

  /** One dead letter: its rows and why they were not written. */
  public record Entry(
      long id, String pipeline, List<StreamEvent> events, String reason, Instant at) {}

  private final DeadLetterSpool spool;

  StreamDeadLetters(DeadLetterSpool spool) {
    this.spool = spool;
  }

  long insert(Connection c, String pipeline, List<StreamEvent> batch, String reason)
      throws SQLException {
    return insert(c, pipeline, encode(batch), batch.size(), reason, Instant.now());
  }

  private static long insert(
      Connection c, String pipeline, String rows, int count, String reason, Instant at)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO stream_dead_letters (pipeline, kind, rows_json, row_count, reason,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, pipeline);
      ps.setString(2, "batch");
      ps.setString(3, rows);
      ps.setInt(4, count);
      ps.setString(5, reason.length() > 2000 ? reason.substring(0, 2000) : reason);
      ps.setTimestamp(6, Timestamp.from(at));
      return ps.executeUpdate();
    }
  }

  /** The database could not take it: the spool keeps it, or the log says it is lost. */
  void spool(String pipeline, List<StreamEvent> batch, String reason, Throwable why) {
    ObjectNode line = JSON.createObjectNode();
    line.put("pipeline", pipeline).put("reason", reason).put("at", Instant.now().toString());
    line.put("count", batch.size()).put("rows", encode(batch));
    if (!spool.append(line.toString()))
      LOG.error(
          "A dead letter of {} rows of pipeline {} was lost: the database refused it ({}) and the"
              + " spool is full",
          batch.size(),
          pipeline,
          why.toString());
  }

  int drainSpool(Connection c) throws SQLException {
    List<String> lines;
    try {
      lines = spool.lines();
    } catch (IOException e) {
      throw new SQLException("the dead-letter spool cannot be read: " + e.getMessage(), e);
    }
    for (String line : lines) {
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        continue; // a torn last line of a crash: nothing to keep
      }
      insert(
          c,
          n.path("pipeline").asText(),
          n.path("rows").asText(),
          n.path("count").asInt(),
          n.path("reason").asText(),
          Instant.parse(n.path("at").asText()));
    }
    try {
      spool.taken(lines.size());
    } catch (IOException e) {
      throw new SQLException("the dead-letter spool cannot be emptied: " + e.getMessage(), e);
    }
    return lines.size();
  }

  List<Entry> pending(Connection c, String pipeline) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, pipeline, rows_json, reason, created_at FROM stream_dead_letters"
                + " WHERE pipeline = ? AND replayed_at IS NULL ORDER BY id")) {
      ps.setString(1, pipeline);
      List<Entry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(entry(rs));
      }
      return out;
    }
  }

  Entry get(Connection c, long id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, pipeline, rows_json, reason, created_at FROM stream_dead_letters"
                + " WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) throw new SQLException("no stream dead letter " + id, "02000");
        return entry(rs);
      }
    }
  }

  void markReplayed(Connection c, long id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE stream_dead_letters SET replayed_at = ? WHERE id = ?")) {
      ps.setTimestamp(1, Timestamp.from(Instant.now()));
      ps.setLong(2, id);
      ps.executeUpdate();
    }
  }

  private static Entry entry(ResultSet rs) throws SQLException {
    return new Entry(
        rs.getLong(1),
        rs.getString(2),
        decode(rs.getString(3)),
        rs.getString(4),
        rs.getTimestamp(5).toInstant());
  }

  static String encode(List<StreamEvent> batch) {
    try {
      return JSON.writerFor(EVENTS).writeValueAsString(batch);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stream events are always JSON", e);
    }
  }

  static List<StreamEvent> decode(String rows) throws SQLException {
    try {
      return JSON.readValue(rows, EVENTS);
    } catch (IOException e) {
      throw new SQLException("a dead letter's rows are not readable: " + e.getMessage(), e);
    }
  }
}
