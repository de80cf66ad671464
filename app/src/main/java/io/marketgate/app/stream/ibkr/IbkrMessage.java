package io.marketgate.app.stream.ibkr;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One message of the IBKR Client Portal WebSocket ({@code /v1/api/ws}). */
public sealed interface IbkrMessage {
  /** {@code {"message":"waiting for session"}}: sent until the socket has the session. */
  record WaitingForSession() implements IbkrMessage {}

  /** {@code topic: sts}: the brokerage session's state. */
  record SessionStatus(boolean authenticated, boolean competing, String message)
      implements IbkrMessage {}

  /** {@code topic: system}: the greeting ({@code success}: the user) or a heartbeat. */
  record SystemMessage(String user, Long heartbeat) implements IbkrMessage {}

  /**
   * {@code topic: smd+<conid>}: market data of one contract, only the fields that changed since the
   * previous frame of that conid (field ids as in the snapshot endpoint: 31 last, 84 bid, 86 ask,
   * 88 bid size, 85 ask size, 6509 availability).
   */
  record MarketData(long conid, Instant updated, Map<String, String> fields)
      implements IbkrMessage {}

  /**
   * {@code topic: smh+<conid>} with {@code data}: bars of a history stream ({@code serverId} names
   * the stream for {@code umh}); {@code t} is the bar's start in epoch milliseconds.
   */
  record HistoryBars(long conid, String serverId, int barSeconds, List<Bar> bars)
      implements IbkrMessage {}

  record Bar(
      Instant start,
      BigDecimal open,
      BigDecimal high,
      BigDecimal low,
      BigDecimal close,
      long volume) {}

  /** {@code topic: smh+<conid>} with an {@code error}: a history (bar) stream refused. */
  record HistoryRefused(long conid, String error) implements IbkrMessage {}

  /** Anything else ({@code tic} echoes, {@code act}, notifications): skipped. */
  record Other(String topic) implements IbkrMessage {}
}
