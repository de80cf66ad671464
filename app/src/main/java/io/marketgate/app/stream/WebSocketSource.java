package io.marketgate.app.stream;

import io.marketgate.protocol.stream.StreamEvent;
import io.marketgate.protocol.stream.StreamGap;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
import org.apache.pekko.stream.Materializer;
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
 * What every provider's WebSocket stream shares: one connection at a time, opened again with
 * backoff when it drops (then one {@link StreamGap} per subscribed symbol, from its last event to
 * the reconnect), never again once the provider refused the credential or {@link #close()} was
 * called, with the client's idle timeout and keep-alive set (Pekko's defaults close a quiet socket
 * after 60 s). Subclasses say how a connection opens and what its frames mean.
 */
public abstract class WebSocketSource implements UpstreamSource {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketSource.class);

  /**
   * @param url the provider's WebSocket endpoint
   * @param restart backoff between connection attempts
   * @param idleTimeout the client's idle timeout
   * @param keepAlive ping after this long without traffic, so quiet symbols keep the socket open
   */
  public record Settings(
      String url, RestartSettings restart, Duration idleTimeout, Duration keepAlive) {}

  /** Emitted first by every connection after the first one: the downstream turns it into gaps. */
  private static final Object RECONNECTING = new Object();

  /** Emitted when a connection goes live: it releases the gaps of a reconnect. */
  private static final Object LIVE = new Object();

  /** Ends a connection without a restart (the credential was refused). */
  protected static final Object STOP = new Object();

  protected final ActorSystem<?> system;
  protected final Settings settings;
  private final String source;
  private final Runnable onReconnect;
  protected final AtomicReference<UpstreamState> state =
      new AtomicReference<>(new UpstreamState.Connecting(1));
  private final AtomicInteger badFrames = new AtomicInteger();
  private final AtomicInteger attempts = new AtomicInteger();
  private final AtomicInteger liveConnections = new AtomicInteger();
  private final AtomicInteger liveAttempt = new AtomicInteger();
  private volatile boolean closing;
  private volatile SharedKillSwitch ending;

  /** The commands of the connection open now, or null between connections. */
  private SourceQueueWithComplete<Message> commands;

  /** The attempt whose connection {@link #commands} belongs to. */
  private int commandsOf;

  protected WebSocketSource(
      ActorSystem<?> system, Settings settings, String source, Runnable onReconnect) {
    this.system = system;
    this.settings = settings;
    this.source = source;
    this.onReconnect = onReconnect;
  }

  /**
   * One connection: its frames turned into events (and {@link #STOP}); a completion or failure ends
   * it and the next one opens after the backoff. Most open a {@link #webSocket}.
   */
  protected abstract Source<Object, NotUsed> connect();

  /** The symbols subscribed now: each gets a gap after a reconnect. */
  protected abstract Set<String> symbols();

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

  @Override
  public Source<StreamEvent, UniqueKillSwitch> events() {
    // A closed or failed socket is opened again; a refused credential or close() ends everything
    // through this switch, once the connection has ended.
    SharedKillSwitch ending = KillSwitches.shared(source + "-stream-ending");
    this.ending = ending;
    Source<Object, NotUsed> reconnecting =
        RestartSource.withBackoff(
            settings.restart(),
            () -> {
              if (closing) return Source.empty();
              int attempt = attempts.incrementAndGet();
              state.set(new UpstreamState.Connecting(attempt));
              Source<Object, NotUsed> connection =
                  connect()
                      .takeWhile(e -> e != STOP)
                      .watchTermination(
                          (nu, done) -> {
                            done.whenComplete(
                                (d, e) -> {
                                  connectionEnded(attempt);
                                  if (closing || state.get() instanceof UpstreamState.KeyRejected)
                                    ending.shutdown();
                                  else if (state.get() instanceof UpstreamState.Live)
                                    state.set(new UpstreamState.Connecting(attempt + 1));
                                });
                            return nu;
                          });
              return attempt == 1
                  ? connection
                  : Source.<Object>single(RECONNECTING).concat(connection);
            });
    return reconnecting
        .via(ending.flow())
        .viaMat(KillSwitches.single(), Keep.right())
        .statefulMapConcat(this::withGaps);
  }

  /**
   * Tracks each symbol's last event time. After a reconnect, the moment the new connection is live
   * (its subscriptions are sent before the provider confirms it) releases one gap per symbol that
   * had events before, from its last event to then. Failed attempts in between add no further gap.
   */
  private org.apache.pekko.japi.function.Function<Object, Iterable<StreamEvent>> withGaps() {
    Map<String, Instant> last = new HashMap<>();
    boolean[] reconnected = {false};
    return element -> {
      if (element == RECONNECTING) {
        reconnected[0] = true;
        return List.of();
      }
      if (element == LIVE) {
        if (!reconnected[0]) return List.of();
        reconnected[0] = false;
        Instant resumed = Instant.now();
        List<StreamEvent> gaps = new ArrayList<>();
        for (String symbol : symbols())
          if (last.containsKey(symbol))
            gaps.add(new StreamGap(source, symbol, last.get(symbol), resumed, "reconnected"));
        return gaps;
      }
      StreamEvent event = (StreamEvent) element;
      last.put(event.symbol(), event.eventTime());
      return List.of(event);
    };
  }

  /**
   * The provider accepted the credential: the connection is live. Returns the element a subclass
   * emits for it, which releases the gaps of a reconnect. Every connection after the first that
   * goes live is counted as a reconnect ({@code stream_reconnects_total}), once.
   */
  protected Object becameLive() {
    state.set(new UpstreamState.Live());
    int attempt = attempts.get();
    if (liveAttempt.getAndSet(attempt) != attempt && liveConnections.incrementAndGet() > 1)
      onReconnect.run();
    return LIVE;
  }

  /**
   * Closes with WebSocket's close handshake: the events complete once the provider answered it, so
   * that whatever it counts per credential is free again before another node connects.
   */
  @Override
  public synchronized void close() {
    closing = true;
    if (commands != null) commands.complete();
    else if (ending != null) ending.shutdown(); // between two connections, or none yet
  }

  /** Sends a frame on the connection open now; false when there is none (it is sent on connect). */
  protected synchronized boolean send(String frame) {
    if (commands == null) return false;
    commands.offer(TextMessage.create(frame));
    return true;
  }

  /**
   * Completing the outgoing side closes the socket: cancelling only what we read (a refused key, a
   * failure downstream) would leave it half open.
   */
  private synchronized void connectionEnded(int attempt) {
    if (commands == null || commandsOf != attempt) return; // a later connection's
    commands.complete();
    commands = null;
  }

  /**
   * Opens the WebSocket: {@code opening()} gives the first frames (authentication, subscriptions),
   * read under the same lock as {@link #send}, so no subscription is lost or sent twice between the
   * two. Returns the text frames received.
   */
  protected Source<String, NotUsed> webSocket(java.util.function.Supplier<List<String>> opening) {
    Pair<SourceQueueWithComplete<Message>, Source<Message, NotUsed>> queue =
        Source.<Message>queue(1024, OverflowStrategy.dropNew()).preMaterialize(system);
    synchronized (this) {
      commands = queue.first();
      commandsOf = attempts.get();
      for (String frame : opening.get()) commands.offer(TextMessage.create(frame));
    }
    ClientConnectionSettings client = ClientConnectionSettings.create(system.classicSystem());
    client =
        client
            .withIdleTimeout(settings.idleTimeout())
            .withWebsocketSettings(
                client.getWebsocketSettings().withPeriodicKeepAliveMaxIdle(settings.keepAlive()));
    Http http = Http.get(system);
    ConnectionContext context =
        settings.url().startsWith("wss") ? httpsContext(http) : ConnectionContext.noEncryption();
    var ws =
        http.webSocketClientFlow(
            WebSocketRequest.create(settings.url()),
            context,
            Optional.empty(),
            client,
            system.classicSystem().log());
    return queue
        .second()
        .viaMat(ws, Keep.right())
        .mapMaterializedValue(
            upgrade -> {
              upgrade.whenComplete(
                  (response, error) -> {
                    if (error != null)
                      LOG.warn("{} stream connection failed: {}", source, error.toString());
                    else if (!response.isValid())
                      LOG.warn(
                          "{} refused the stream upgrade: {}",
                          source,
                          response.response().status());
                  });
              return NotUsed.getInstance();
            })
        .filter(Message::isText)
        .mapAsync(
            1,
            m ->
                m.asTextMessage()
                    .toStrict(10_000, Materializer.matFromSystem(system))
                    .thenApply(t -> t.getStrictText()));
  }

  /** The TLS context of a {@code wss} connection: the JVM's trust store unless overridden. */
  protected ConnectionContext httpsContext(Http http) {
    return http.defaultClientHttpsContext();
  }

  /** A frame outside the provider's format: counted, logged now and then, skipped. */
  protected void skipped(StreamFrameException e) {
    int n = badFrames.incrementAndGet();
    if (n == 1 || n % 1000 == 0)
      LOG.warn("{} stream frame skipped ({} so far): {}", source, n, e.getMessage());
  }
}
