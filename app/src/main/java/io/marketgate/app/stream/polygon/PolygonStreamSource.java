package io.marketgate.app.stream.polygon;

import io.marketgate.app.stream.StreamFrameException;
import io.marketgate.app.stream.UpstreamSource;
import io.marketgate.app.stream.UpstreamState;
import io.marketgate.protocol.stream.StreamChannel;
import io.marketgate.protocol.stream.StreamEvent;
import io.marketgate.protocol.stream.StreamGap;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketRequest;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live quotes, trades and minute bars of the subscribed symbols from Polygon's stocks WebSocket, as
 * a Pekko Streams source of normalised {@link StreamEvent}s. One connection (Polygon allows one per
 * key): {@code auth} and {@code subscribe} on connect; a dropped or refused connection is opened
 * again with backoff and resubscribed, and each symbol then gets a {@link StreamGap} from its last
 * event to the reconnect. {@code auth_failed} is final: the source completes once, without
 * retrying, and the state says why. Frames outside the format are counted and skipped. The key
 * never leaves the auth message: it is in no log line, event or state.
 */
public final class PolygonStreamSource implements UpstreamSource {
  private static final Logger LOG = LoggerFactory.getLogger(PolygonStreamSource.class);

  /**
   * @param url {@code POLYGON_WS_URL}; a {@code delayed.polygon.io} host means a delayed feed
   * @param restart backoff between connection attempts
   * @param idleTimeout the client's idle timeout (Pekko's default closes quiet sockets after 60 s)
   * @param keepAlive ping after this long without traffic, so quiet symbols keep the socket open
   */
  public record Settings(
      String url, RestartSettings restart, Duration idleTimeout, Duration keepAlive) {
    boolean delayed() {
      return url.contains("delayed.");
    }
  }

  /** Emitted first by every connection after the first one: the downstream turns it into gaps. */
  private record Reconnected(Instant at) {}

  private final ActorSystem<?> system;
  private final Settings settings;
  private final String key;

  /** The channels subscribed now ({@code Q.AAPL}): sent again on every new connection. */
  private final Set<String> channels = new LinkedHashSet<>();

  /** The commands of the connection open now, or null between connections. */
  private SourceQueueWithComplete<Message> commands;

  private final Runnable onReconnect;
  private final AtomicReference<UpstreamState> state =
      new AtomicReference<>(new UpstreamState.Connecting(1));
  private final AtomicInteger badFrames = new AtomicInteger();
  private final AtomicInteger attempts = new AtomicInteger();
  private volatile boolean closing;
  private volatile SharedKillSwitch ending;

  public PolygonStreamSource(
      ActorSystem<?> system, Settings settings, String key, Runnable onReconnect) {
    this.system = system;
    this.settings = settings;
    this.key = key;
    this.onReconnect = onReconnect;
  }

  @Override
  public UpstreamState state() {
    return state.get();
  }

  @Override
  public int badFrames() {
    return badFrames.get();
  }

  @Override
  public int connectionAttempts() {
    return attempts.get();
  }

  /** The events; the kill switch's {@code shutdown()} closes the connection and completes it. */
  @Override
  public Source<StreamEvent, UniqueKillSwitch> events() {
    // A closed or failed socket is opened again; a refused key or close() ends everything through
    // this switch, once the connection has ended.
    SharedKillSwitch ending = KillSwitches.shared("polygon-stream-ending");
    this.ending = ending;
    Source<Object, NotUsed> reconnecting =
        RestartSource.withBackoff(
            settings.restart(),
            () -> {
              if (closing) return Source.empty();
              int attempt = attempts.incrementAndGet();
              state.set(new UpstreamState.Connecting(attempt));
              Source<Object, NotUsed> connection =
                  connection()
                      .watchTermination(
                          (nu, done) -> {
                            done.whenComplete(
                                (d, e) -> {
                                  connectionEnded();
                                  if (closing || state.get() instanceof UpstreamState.KeyRejected)
                                    ending.shutdown();
                                });
                            return nu;
                          });
              if (attempt == 1) return connection;
              onReconnect.run();
              return Source.<Object>single(new Reconnected(Instant.now())).concat(connection);
            });
    return reconnecting
        .via(ending.flow())
        .viaMat(KillSwitches.single(), Keep.right())
        .statefulMapConcat(this::withGaps);
  }

  /** Tracks each symbol's last event time; a reconnect becomes one gap per symbol. */
  private org.apache.pekko.japi.function.Function<Object, Iterable<StreamEvent>> withGaps() {
    Map<String, Instant> last = new HashMap<>();
    return element -> {
      if (element instanceof Reconnected r) {
        List<StreamEvent> gaps = new ArrayList<>();
        for (String symbol : symbols())
          gaps.add(
              new StreamGap(PolygonFrames.SOURCE, symbol, last.get(symbol), r.at(), "reconnected"));
        return gaps;
      }
      StreamEvent event = (StreamEvent) element;
      last.put(event.symbol(), event.eventTime());
      return List.of(event);
    };
  }

  /**
   * Closes with WebSocket's close handshake: the events complete once Polygon answered it, so the
   * key's one connection slot is free again before another node opens the next connection.
   */
  @Override
  public synchronized void close() {
    closing = true;
    if (commands != null) commands.complete();
    else if (ending != null) ending.shutdown(); // between two connections, or none yet
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
  public synchronized Optional<String> subscribe(StreamChannel channel, String symbol) {
    String name = channel(channel, symbol);
    if (channels.add(name) && commands != null)
      commands.offer(TextMessage.create(PolygonFrames.subscribe(List.of(name))));
    return Optional.empty();
  }

  /** Unsubscribed on the open connection, not sent on later ones. */
  @Override
  public synchronized void unsubscribe(StreamChannel channel, String symbol) {
    String name = channel(channel, symbol);
    if (channels.remove(name) && commands != null)
      commands.offer(TextMessage.create(PolygonFrames.unsubscribe(List.of(name))));
  }

  /** The symbols with at least one channel subscribed. */
  public synchronized Set<String> symbols() {
    Set<String> symbols = new LinkedHashSet<>();
    for (String c : channels) symbols.add(c.substring(c.indexOf('.') + 1));
    return symbols;
  }

  private synchronized void connectionEnded() {
    commands = null;
  }

  /** The first messages of a new connection, and its command queue from now on. */
  private synchronized Source<Message, NotUsed> opening() {
    Pair<SourceQueueWithComplete<Message>, Source<Message, NotUsed>> queue =
        Source.<Message>queue(256, OverflowStrategy.dropNew()).preMaterialize(system);
    commands = queue.first();
    commands.offer(TextMessage.create(PolygonFrames.auth(key)));
    if (!channels.isEmpty())
      commands.offer(TextMessage.create(PolygonFrames.subscribe(List.copyOf(channels))));
    return queue.second();
  }

  /** One WebSocket connection: auth, subscribe, then events until it drops (a failure). */
  private Source<Object, NotUsed> connection() {
    Source<Message, NotUsed> outgoing = opening();
    ClientConnectionSettings client = ClientConnectionSettings.create(system.classicSystem());
    client =
        client
            .withIdleTimeout(settings.idleTimeout())
            .withWebsocketSettings(
                client.getWebsocketSettings().withPeriodicKeepAliveMaxIdle(settings.keepAlive()));
    Http http = Http.get(system);
    ConnectionContext context =
        settings.url().startsWith("wss")
            ? http.defaultClientHttpsContext()
            : ConnectionContext.noEncryption();
    var ws =
        http.webSocketClientFlow(
            WebSocketRequest.create(settings.url()),
            context,
            Optional.empty(),
            client,
            system.classicSystem().log());
    return outgoing
        .viaMat(ws, Keep.right())
        .mapMaterializedValue(
            upgrade -> {
              upgrade.whenComplete(
                  (response, error) -> {
                    if (error != null)
                      LOG.warn("Polygon stream connection failed: {}", error.toString());
                    else if (!response.isValid())
                      LOG.warn(
                          "Polygon refused the stream upgrade: {}", response.response().status());
                  });
              return NotUsed.getInstance();
            })
        .filter(Message::isText)
        .mapAsync(
            1,
            m ->
                m.asTextMessage()
                    .toStrict(10_000, org.apache.pekko.stream.Materializer.matFromSystem(system))
                    .thenApply(t -> t.getStrictText()))
        .mapConcat(frame -> elements(frame))
        .takeWhile(e -> !(e instanceof Stop));
  }

  /** Ends a connection without a restart (the key was refused). */
  private record Stop() {}

  private List<Object> elements(String frame) {
    List<PolygonMessage> messages;
    try {
      messages = PolygonFrames.parse(frame, settings.delayed());
    } catch (StreamFrameException e) {
      if (badFrames.incrementAndGet() == 1 || badFrames.get() % 1000 == 0)
        LOG.warn("Polygon stream frame skipped ({} so far): {}", badFrames.get(), e.getMessage());
      return List.of();
    }
    List<Object> out = new ArrayList<>(messages.size());
    for (PolygonMessage m : messages) {
      if (m instanceof PolygonMessage.Event e) out.add(e.event());
      else if (m instanceof PolygonMessage.Status s) statusChanged(s, out::add);
    }
    return out;
  }

  private void statusChanged(PolygonMessage.Status s, Consumer<Object> out) {
    if (s.authFailed()) {
      state.set(new UpstreamState.KeyRejected(s.message()));
      LOG.error("Polygon refused the stream key ({}): not retrying", s.message());
      out.accept(new Stop());
    } else if (s.maxConnections()) {
      state.set(new UpstreamState.ConnectionLimit(s.message()));
      LOG.warn("Polygon refused a second stream connection for this key: {}", s.message());
    } else if (s.status().equals("auth_success")) {
      state.set(new UpstreamState.Live());
    }
  }
}
