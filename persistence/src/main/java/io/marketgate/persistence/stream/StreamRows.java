package io.marketgate.persistence.stream;

import io.marketgate.protocol.stream.StreamBar;
import io.marketgate.protocol.stream.StreamEvent;
import io.marketgate.protocol.stream.StreamQuote;
import io.marketgate.protocol.stream.StreamTrade;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;

/** How each kind of stream event is a row: its table, columns and values. */
public enum StreamRows {
  QUOTES(
      "stream_quotes",
      List.of("source", "symbol", "ts", "seq", "bid", "ask", "last", "bid_size", "ask_size"),
      "source, symbol, ts, seq"),
  TRADES(
      "stream_trades",
      List.of("source", "symbol", "ts", "seq", "price", "size"),
      "source, symbol, ts, seq"),
  BARS(
      "stream_bars",
      List.of("source", "symbol", "resolution", "ts", "open", "high", "low", "close", "volume"),
      "source, symbol, resolution, ts");

  private final String table;
  private final List<String> columns;
  private final String key;

  StreamRows(String table, List<String> columns, String key) {
    this.table = table;
    this.columns = columns;
    this.key = key;
  }

  public String table() {
    return table;
  }

  public List<String> columns() {
    return columns;
  }

  /** The primary key's columns, comma-separated. */
  public String key() {
    return key;
  }

  /**
   * @throws IllegalArgumentException for a gap, which is no row
   */
  public static StreamRows of(StreamEvent event) {
    if (event instanceof StreamQuote) return QUOTES;
    if (event instanceof StreamTrade) return TRADES;
    if (event instanceof StreamBar) return BARS;
    throw new IllegalArgumentException("a gap is no row");
  }

  /** The row's values in column order (times as instants, numbers as they are). */
  public Object[] values(StreamEvent event) {
    if (event instanceof StreamQuote q)
      return new Object[] {
        q.source(),
        q.symbol(),
        q.eventTime(),
        q.seq(),
        q.bid(),
        q.ask(),
        q.last(),
        q.bidSize(),
        q.askSize()
      };
    if (event instanceof StreamTrade t)
      return new Object[] {t.source(), t.symbol(), t.eventTime(), t.seq(), t.price(), t.size()};
    StreamBar b = (StreamBar) event;
    return new Object[] {
      b.source(),
      b.symbol(),
      b.resolution(),
      b.eventTime(),
      b.open(),
      b.high(),
      b.low(),
      b.close(),
      b.volume()
    };
  }

  /** Binds one row to a statement of {@link #columns()} placeholders. */
  public void bind(PreparedStatement ps, StreamEvent event) throws SQLException {
    Object[] values = values(event);
    for (int i = 0; i < values.length; i++) {
      Object v = values[i];
      if (v == null) ps.setNull(i + 1, Types.NUMERIC);
      else if (v instanceof java.time.Instant at) ps.setTimestamp(i + 1, Timestamp.from(at));
      else if (v instanceof BigDecimal d) ps.setBigDecimal(i + 1, d);
      else if (v instanceof Long l) ps.setLong(i + 1, l);
      else ps.setString(i + 1, v.toString());
    }
  }
}
