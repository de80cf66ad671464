package io.marketgate.app.stream.ibkr;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.json.Json;
import io.marketgate.app.provider.LoopbackTrust;
import io.marketgate.app.stream.StreamFrameException;
import io.marketgate.app.stream.UpstreamState;
import io.marketgate.app.stream.WebSocketSource;
import io.marketgate.protocol.stream.StreamBar;
import io.marketgate.protocol.stream.StreamChannel;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quotes and one-minute bars from the IBKR Client Portal gateway's WebSocket. The gateway holds the
 * brokerage session: each connection first takes a session from REST {@code /tickle} and sends it
 * as {@code {"session":…}}; the socket gets {@code tic} and the session {@code /tickle} every tic
 * interval. Quotes are {@code smd} market data lines (delta frames merged per conid), bars {@code
 * smh} history streams. Symbols are found by conid ({@code /iserver/secdef/search}, cached: conids
 * never change). The session's limits are kept here, so that a subscription over them is refused at
 * once with a reason: market data lines (about 100 by default) and 5 concurrent history streams,
 * and so is a symbol the contract search does not know; one it could not look up (the gateway did
 * not answer) is kept and looked up again. A session the gateway says is not authenticated is tried
 * again with backoff: logging in to the gateway is an operator's step.
 */
public final class IbkrStreamSource extends WebSocketSource {
  private static final Logger LOG = LoggerFactory.getLogger(IbkrStreamSource.class);

  /**
   * @param restBaseUrl the gateway's REST base ({@code …/v1/api}) for {@code /tickle} and the
   *     contract search
   * @param marketDataLines concurrent {@code smd} streams the session allows
   * @param historyStreams concurrent {@code smh} streams the session allows
   * @param ticInterval how often the socket gets {@code tic} and the session {@code /tickle}
   * @param trustSelfSigned the local gateway's self-signed certificate is accepted (loopback only)
   */
  public record Limits(
      String restBaseUrl,
      int marketDataLines,
      int historyStreams,
      Duration ticInterval,
      boolean trustSelfSigned) {}

  private final Limits limits;

  /** Symbols by channel, with their conid once known: resubscribed on every connection. */
  private final Map<String, Long> quotes = new LinkedHashMap<>();

  private final Map<String, Long> bars = new LinkedHashMap<>();

  /** Conid to symbol of every contract asked for: the merger and the bars read it. */
  private final ConcurrentMap<Long, String> symbolsByConid = new ConcurrentHashMap<>();

  private final ConcurrentMap<String, CompletableFuture<Long>> conids = new ConcurrentHashMap<>();

  /** History stream ids by conid ({@code umh} names a stream by it), per connection. */
  private final Map<Long, String> historyIds = new HashMap<>();

  private final Map<Long, Instant> lastBar = new HashMap<>();
  private IbkrQuoteMerger merger;
  private Cancellable ticks;

  public IbkrStreamSource(
      ActorSystem<?> system, Settings settings, Limits limits, Runnable onReconnect) {
    super(system, settings, IbkrFrames.SOURCE, onReconnect);
    this.limits = limits;
  }

  @Override
  protected ConnectionContext httpsContext(Http http) {
    return limits.trustSelfSigned()
        ? LoopbackTrust.httpsContext()
        : http.defaultClientHttpsContext();
  }

  /**
   * Refused at once over the session's limits, or once the contract search does not find the
   * symbol; otherwise subscribed as soon as its conid is known.
   */
  @Override
  public synchronized CompletionStage<Optional<String>> subscribe(
      StreamChannel channel, String symbol) {
    Map<String, Long> subscribed;
    switch (channel) {
      case QUOTES -> {
        if (quotes.containsKey(symbol)) return subscribed();
        if (quotes.size() >= limits.marketDataLines())
          return refused(
              "the IBKR session allows "
                  + limits.marketDataLines()
                  + " market data lines (IBKR_MAX_MARKET_DATA_LINES), all in use");
        subscribed = quotes;
      }
      case BARS -> {
        if (bars.containsKey(symbol)) return subscribed();
        if (bars.size() >= limits.historyStreams())
          return refused(
              "the IBKR session allows "
                  + limits.historyStreams()
                  + " concurrent history (smh) streams, all in use");
        subscribed = bars;
      }
      default -> {
        return refused("IBKR's stream has no trades channel: subscribe to quotes");
      }
    }
    subscribed.put(symbol, null);
    return conid(symbol)
        .handle(
            (conid, failure) -> {
              if (failure == null) {
                resolved(channel, symbol, conid);
                return Optional.<String>empty();
              }
              Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
              if (!(cause instanceof UnknownContract)) {
                // The gateway did not answer: kept, looked up again on the next tic or connection.
                LOG.warn("IBKR stream: {} not looked up yet: {}", symbol, cause.toString());
                return Optional.<String>empty();
              }
              release(subscribed, symbol);
              return Optional.of("IBKR: " + cause.getMessage());
            });
  }

  /** The contract search answered, without the symbol: a refusal, not a failure to retry. */
  private static final class UnknownContract extends RuntimeException {
    UnknownContract(String message) {
      super(message, null, false, false);
    }
  }

  private synchronized void release(Map<String, Long> subscribed, String symbol) {
    if (subscribed.containsKey(symbol) && subscribed.get(symbol) == null) subscribed.remove(symbol);
  }

  private static CompletionStage<Optional<String>> subscribed() {
    return CompletableFuture.completedFuture(Optional.empty());
  }

  private static CompletionStage<Optional<String>> refused(String why) {
    return CompletableFuture.completedFuture(Optional.of(why));
  }

  /** Sends the subscription once the conid is known, if the symbol is still wanted. */
  private synchronized void resolved(StreamChannel channel, String symbol, long conid) {
    Map<String, Long> subscribed = channel == StreamChannel.QUOTES ? quotes : bars;
    if (!subscribed.containsKey(symbol) || subscribed.get(symbol) != null) return;
    subscribed.put(symbol, conid);
    send(command(channel, conid));
  }

  private static String command(StreamChannel channel, long conid) {
    return channel == StreamChannel.QUOTES
        ? IbkrFrames.subscribeMarketData(conid, IbkrQuoteMerger.FIELDS)
        : IbkrFrames.subscribeHistory(conid);
  }

  @Override
  public synchronized void unsubscribe(StreamChannel channel, String symbol) {
    if (channel == StreamChannel.QUOTES) {
      Long conid = quotes.remove(symbol);
      if (conid != null) {
        send(IbkrFrames.unsubscribeMarketData(conid));
        if (merger != null) merger.forget(conid);
      }
    } else if (channel == StreamChannel.BARS) {
      Long conid = bars.remove(symbol);
      String serverId = conid == null ? null : historyIds.remove(conid);
      if (serverId != null) send(IbkrFrames.unsubscribeHistory(serverId));
    }
  }

  @Override
  protected synchronized Set<String> symbols() {
    Set<String> symbols = new LinkedHashSet<>(quotes.keySet());
    symbols.addAll(bars.keySet());
    return symbols;
  }

  /** A session from the gateway, then the socket: session first, then every subscription. */
  @Override
  protected Source<Object, NotUsed> connect() {
    resolvePending();
    return Source.completionStage(tickle())
        .flatMapConcat(session -> webSocket(() -> opening(session)))
        .watchTermination(
            (nu, done) -> {
              done.whenComplete((d, e) -> stopTicking());
              return nu;
            })
        .mapConcat(this::elements);
  }

  /** Symbols whose conid lookup failed (the gateway was down) are looked up again. */
  private synchronized void resolvePending() {
    quotes.forEach(
        (symbol, conid) -> {
          if (conid == null)
            conid(symbol).thenAccept(c -> resolved(StreamChannel.QUOTES, symbol, c));
        });
    bars.forEach(
        (symbol, conid) -> {
          if (conid == null) conid(symbol).thenAccept(c -> resolved(StreamChannel.BARS, symbol, c));
        });
  }

  private synchronized List<String> opening(String session) {
    merger = new IbkrQuoteMerger(symbolsByConid);
    historyIds.clear();
    startTicking();
    List<String> frames = new ArrayList<>();
    frames.add(IbkrFrames.session(session));
    quotes.forEach(
        (symbol, conid) -> {
          if (conid != null) frames.add(command(StreamChannel.QUOTES, conid));
        });
    bars.forEach(
        (symbol, conid) -> {
          if (conid != null) frames.add(command(StreamChannel.BARS, conid));
        });
    return frames;
  }

  /** {@code tic} on the socket and {@code /tickle} for the session, while this connection lasts. */
  private synchronized void startTicking() {
    stopTicking();
    ticks =
        system
            .scheduler()
            .scheduleWithFixedDelay(
                limits.ticInterval(),
                limits.ticInterval(),
                () -> {
                  if (send(IbkrFrames.tic())) {
                    tickle();
                    resolvePending();
                  }
                },
                system.executionContext());
  }

  private synchronized void stopTicking() {
    if (ticks != null) ticks.cancel();
    ticks = null;
  }

  private List<Object> elements(String frame) {
    IbkrMessage message;
    try {
      message = IbkrFrames.parse(frame);
    } catch (StreamFrameException e) {
      skipped(e);
      return List.of();
    }
    if (message instanceof IbkrMessage.SessionStatus s) return sessionStatus(s);
    if (message instanceof IbkrMessage.MarketData m) return quote(m);
    if (message instanceof IbkrMessage.HistoryBars h) return bars(h);
    if (message instanceof IbkrMessage.HistoryRefused r)
      LOG.error("IBKR refused the bar stream of conid {}: {}", r.conid(), r.error());
    return List.of();
  }

  /**
   * An unauthenticated session is not final: the gateway says so before its user logs in, while
   * another session competes, and around its daily reset. The connection ends and is opened again
   * with backoff (at most one attempt per backoff period).
   */
  private List<Object> sessionStatus(IbkrMessage.SessionStatus s) {
    if (s.authenticated()) return List.of(becameLive());
    String why =
        "the gateway's brokerage session is not authenticated"
            + (s.competing() ? " (another session competes)" : "")
            + (s.message().isBlank() ? "" : " (" + s.message() + ")");
    state.set(new UpstreamState.NotAuthenticated(why));
    LOG.warn("IBKR stream: {}; trying again after the backoff", why);
    return List.of(STOP);
  }

  private synchronized List<Object> quote(IbkrMessage.MarketData m) {
    return merger == null ? List.of() : new ArrayList<>(merger.merge(m).stream().toList());
  }

  /** Bars from the newest one already delivered on (it may still be filling), in order. */
  private synchronized List<Object> bars(IbkrMessage.HistoryBars h) {
    String symbol = symbolsByConid.get(h.conid());
    if (symbol == null || !bars.containsKey(symbol)) {
      // Unsubscribed before the gateway named the stream: stop it now, or it holds a slot.
      if (!h.serverId().isEmpty() && !historyIds.containsKey(h.conid()))
        send(IbkrFrames.unsubscribeHistory(h.serverId()));
      return List.of();
    }
    if (!h.serverId().isEmpty()) historyIds.put(h.conid(), h.serverId());
    String resolution = h.barSeconds() % 60 == 0 ? h.barSeconds() / 60 + "m" : h.barSeconds() + "s";
    List<Object> out = new ArrayList<>();
    Instant last = lastBar.get(h.conid());
    for (IbkrMessage.Bar b : h.bars()) {
      if (last != null && b.start().isBefore(last)) continue;
      out.add(
          new StreamBar(
              IbkrFrames.SOURCE,
              symbol,
              resolution,
              b.start(),
              b.open(),
              b.high(),
              b.low(),
              b.close(),
              b.volume(),
              false));
      last = b.start();
    }
    if (last != null) lastBar.put(h.conid(), last);
    return out;
  }

  /** {@code POST /tickle}: keeps the session alive and gives its id. */
  private CompletionStage<String> tickle() {
    return rest(HttpRequest.POST(limits.restBaseUrl() + "/tickle"))
        .thenApply(
            body -> {
              String session = body.path("session").asText("");
              if (session.isEmpty())
                throw new StreamFrameException("the gateway's /tickle gave no session");
              return session;
            });
  }

  /** The conid of a stock, from the contract search (the first, primary listing). */
  private CompletionStage<Long> conid(String symbol) {
    CompletableFuture<Long> known = conids.get(symbol);
    if (known != null && !known.isCompletedExceptionally()) return known;
    CompletableFuture<Long> lookup =
        rest(HttpRequest.GET(
                limits.restBaseUrl()
                    + "/iserver/secdef/search?symbol="
                    + URLEncoder.encode(symbol, StandardCharsets.UTF_8)
                    + "&name=false&secType=STK"))
            .thenApply(
                body -> {
                  JsonNode first = body.path(0).path("conid");
                  if (!first.canConvertToLong() && !first.asText("").matches("[0-9]+"))
                    throw new UnknownContract("IBKR knows no stock " + symbol);
                  long conid = Long.parseLong(first.asText());
                  symbolsByConid.put(conid, symbol);
                  return conid;
                })
            .toCompletableFuture();
    lookup.whenComplete(
        (c, e) -> {
          if (e != null) LOG.warn("IBKR stream: no conid for {}: {}", symbol, e.toString());
        });
    conids.put(symbol, lookup);
    return lookup;
  }

  private CompletionStage<JsonNode> rest(HttpRequest request) {
    Http http = Http.get(system);
    var context =
        limits.trustSelfSigned() ? LoopbackTrust.httpsContext() : http.defaultClientHttpsContext();
    return http.singleRequest(request, context)
        .thenCompose(
            (HttpResponse response) ->
                response
                    .entity()
                    .toStrict(5_000, Materializer.matFromSystem(system))
                    .thenApply(
                        strict -> {
                          if (!response.status().isSuccess())
                            throw new StreamFrameException(
                                "the gateway answered " + response.status().intValue());
                          return Json.parse(strict.getData().toArray());
                        }));
  }
}
