package io.marketgate.persistence.lastgood;

import io.marketgate.persistence.db.Database;
import io.marketgate.persistence.writer.BatchWriter;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The durable last good value of every (dataset, symbol, parameters). Saves are write-behind and
 * batched (the newest per key wins, and a row is only replaced by a newer one); reads run on the
 * JDBC dispatcher and are used off the hit path only.
 */
public final class LastGoodStore implements LastGoodRepository {
  private static final String[] COLUMNS = {
    "dataset", "symbol", "params", "data", "source", "fallback", "fetched_at", "confidence"
  };
  private static final String SELECT =
      "SELECT dataset, symbol, params, data, source, fallback, fetched_at, confidence FROM last_good";

  private final Database database;
  private final BatchWriter<LastGood> writer;

  public LastGoodStore(
      ActorSystem<?> system,
      Database database,
      BatchWriter.Settings settings,
      BatchWriter.Metrics metrics) {
    this.database = database;
    String upsert =
        database
            .dialect()
            .upsertIfNewer("last_good", COLUMNS, "dataset, symbol, params", "fetched_at");
    this.writer =
        new BatchWriter<>(
            "last_good",
            system,
            database,
            (c, batch) -> {
              try (PreparedStatement ps = c.prepareStatement(upsert)) {
                for (LastGood g : newestPerKey(batch)) {
                  ps.setString(1, g.key().dataset().wireName());
                  ps.setString(2, g.key().symbol());
                  ps.setString(3, g.key().params());
                  ps.setBytes(4, g.data());
                  ps.setString(5, g.source());
                  ps.setBoolean(6, g.fallback());
                  ps.setLong(7, g.fetchedAtMillis());
                  ps.setDouble(8, g.confidence());
                  ps.addBatch();
                }
                ps.executeBatch();
              }
            },
            settings,
            metrics);
  }

  /** Queues a value to be stored; never blocks. */
  @Override
  public void save(LastGood value) {
    writer.offer(value);
  }

  /** Every stored value of one symbol (all datasets and parameters). */
  @Override
  public CompletionStage<List<LastGood>> load(String symbol) {
    return database.run(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE symbol = ?")) {
            ps.setString(1, symbol);
            return readAll(ps);
          }
        });
  }

  @Override
  public CompletionStage<Optional<LastGood>> find(FetchKey key) {
    return database.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(SELECT + " WHERE dataset = ? AND symbol = ? AND params = ?")) {
            ps.setString(1, key.dataset().wireName());
            ps.setString(2, key.symbol());
            ps.setString(3, key.params());
            return readAll(ps).stream().findFirst();
          }
        });
  }

  public BatchWriter<LastGood> writer() {
    return writer;
  }

  private static Collection<LastGood> newestPerKey(List<LastGood> batch) {
    Map<FetchKey, LastGood> newest = new LinkedHashMap<>();
    for (LastGood g : batch)
      newest.merge(g.key(), g, (a, b) -> b.fetchedAtMillis() >= a.fetchedAtMillis() ? b : a);
    return newest.values();
  }

  private static List<LastGood> readAll(PreparedStatement ps) throws SQLException {
    List<LastGood> values = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Dataset dataset = Dataset.fromWireName(rs.getString("dataset")).orElse(null);
        if (dataset == null) continue;
        values.add(
            new LastGood(
                new FetchKey(dataset, rs.getString("symbol"), rs.getString("params")),
                rs.getBytes("data"),
                rs.getString("source"),
                rs.getBoolean("fallback"),
                rs.getLong("fetched_at"),
                rs.getDouble("confidence")));
      }
    }
    return values;
  }
}
