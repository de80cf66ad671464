package io.marketgate.app.stream.polygon;

import io.marketgate.app.stream.StreamFrameException;
import io.marketgate.app.stream.UpstreamState;
import io.marketgate.app.stream.WebSocketSource;
import io.marketgate.protocol.stream.StreamChannel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live quotes, trades and minute bars of the subscribed symbols from Polygon's stocks WebSocket, as
 * a Pekko Streams source of normalised stream events. One connection (Polygon allows one per key):
 * {@code auth} and {@code subscribe} on connect; a dropped or refused connection is opened again
 * with backoff and resubscribed, and each symbol then gets a gap from its last event to the
 * reconnect. {@code auth_failed} is final: the source completes once, without retrying, and the
 * state says why. Frames outside the format are counted and skipped. The key never leaves the auth
 * message: it is in no log line, event or state.
 */
public final class PolygonStreamSource extends WebSocketSource {
  private static final Logger LOG = LoggerFactory.getLogger(PolygonStreamSource.class);

  private final String key;
  private final boolean delayed;

  /** The channels subscribed now ({@code Q.AAPL}): sent again on every new connection. */
  private final Set<String> channels = new LinkedHashSet<>();

  /**
   * @param settings a {@code delayed.polygon.io} URL means a delayed feed
   */
  public PolygonStreamSource(
      ActorSystem<?> system, Settings settings, String key, Runnable onReconnect) {
    super(system, settings, PolygonFrames.SOURCE, onReconnect);
    this.key = key;
    this.delayed = settings.url().contains("delayed.");
  }

  /** Polygon's channel of a symbol: {@code Q.}, {@code T.} or {@code AM.} (minute bars). */
  static String channel(StreamChannel channel, String symbol) {
    return switch (channel) {
          case QUOTES -> "Q.";
          case TRADES -> "T.";
          case BARS -> "AM.";
        }
        + symbol;
  }

  /** Sent on the open connection at once, and on every connection after it. */
  @Override
  public synchronized CompletionStage<Optional<String>> subscribe(
      StreamChannel channel, String symbol) {
    String name = channel(channel, symbol);
    if (channels.add(name)) send(PolygonFrames.subscribe(List.of(name)));
    return CompletableFuture.completedFuture(Optional.empty());
  }

  /** Unsubscribed on the open connection, not sent on later ones. */
  @Override
  public synchronized void unsubscribe(StreamChannel channel, String symbol) {
    String name = channel(channel, symbol);
    if (channels.remove(name)) send(PolygonFrames.unsubscribe(List.of(name)));
  }

  /** The symbols with at least one channel subscribed. */
  @Override
  public synchronized Set<String> symbols() {
    Set<String> symbols = new LinkedHashSet<>();
    for (String c : channels) symbols.add(c.substring(c.indexOf('.') + 1));
    return symbols;
  }

  /** One WebSocket connection: auth, subscribe, then events until it drops. */
  @Override
  protected Source<Object, NotUsed> connect() {
    return webSocket(this::opening).mapConcat(this::elements);
  }

  private synchronized List<String> opening() {
    List<String> frames = new ArrayList<>();
    frames.add(PolygonFrames.auth(key));
    if (!channels.isEmpty()) frames.add(PolygonFrames.subscribe(List.copyOf(channels)));
    return frames;
  }

  private List<Object> elements(String frame) {
    List<PolygonMessage> messages;
    try {
      messages = PolygonFrames.parse(frame, delayed);
    } catch (StreamFrameException e) {
      skipped(e);
      return List.of();
    }
    List<Object> out = new ArrayList<>(messages.size());
    for (PolygonMessage m : messages) {
      if (m instanceof PolygonMessage.Event e) out.add(e.event());
      else if (m instanceof PolygonMessage.Status s) statusChanged(s, out);
    }
    return out;
  }

  private void statusChanged(PolygonMessage.Status s, List<Object> out) {
    if (s.authFailed()) {
      state.set(new UpstreamState.KeyRejected(s.message()));
      LOG.error("Polygon refused the stream key ({}): not retrying", s.message());
      out.add(STOP);
    } else if (s.maxConnections()) {
      state.set(new UpstreamState.ConnectionLimit(s.message()));
      LOG.warn("Polygon refused a second stream connection for this key: {}", s.message());
    } else if (s.status().equals("auth_success")) {
      out.add(becameLive());
    }
  }
}
