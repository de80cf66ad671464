package io.marketgate.app.sim;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketgate.app.json.Json;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * The IBKR Client Portal gateway's WebSocket ({@code /ibkr/v1/api/ws}) and the {@code /tickle} that
 * hands out its session, with the gateway's habits: {@code waiting for session} until the socket
 * sends a session {@code /tickle} issued, then {@code sts} and the {@code system} greeting; {@code
 * smd+<conid>} market data as delta frames (the first full, later ones only the fields that
 * changed); {@code smh+<conid>} one-minute bars, at most 5 concurrent per session (the 6th gets the
 * gateway's error); {@code umd}/{@code umh} to stop; {@code tic} answered. Faults drop the
 * connections, stall them, send garbage or refuse every session.
 */
final class IbkrStreamSimulation {
  static final int MAX_HISTORY_STREAMS = 5;

  private final Duration interval;
  private final LongFunction<Optional<String>> symbols;
  private final AtomicReference<PolygonStreamSimulation.StreamFault> fault =
      new AtomicReference<>(PolygonStreamSimulation.StreamFault.NONE);
  private final Set<String> sessions = ConcurrentHashMap.newKeySet();
  private final Set<Connection> open = new CopyOnWriteArraySet<>();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong authenticated = new AtomicLong();
  private final AtomicLong tics = new AtomicLong();
  private final AtomicLong historyRefused = new AtomicLong();
  private final Map<String, AtomicLong> subscriptions = new ConcurrentHashMap<>();
  private final AtomicLong serverIds = new AtomicLong(20_000);

  /**
   * @param symbols the contract search's conid to symbol
   */
  IbkrStreamSimulation(Duration interval, LongFunction<Optional<String>> symbols) {
    this.interval = interval;
    this.symbols = symbols;
  }

  Route route(ActorSystem<?> system) {
    return pathPrefix(
        PathMatchers.segment("ibkr").slash("v1").slash("api"),
        () ->
            concat(
                path("tickle", () -> post(this::tickle)),
                path("ws", () -> handleWebSocketMessages(connection(system)))));
  }

  private Route tickle() {
    byte[] id = new byte[16];
    ThreadLocalRandom.current().nextBytes(id);
    String session = HexFormat.of().formatHex(id);
    sessions.add(session);
    ObjectNode body = Json.mapper().createObjectNode().put("session", session);
    body.put("ssoExpires", 460_000).put("collission", false).put("userId", 12_345_678);
    body.putObject("iserver")
        .putObject("authStatus")
        .put("authenticated", true)
        .put("competing", false)
        .put("connected", true);
    return complete(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString()));
  }

  void setFault(PolygonStreamSimulation.StreamFault f) {
    fault.set(f);
    if (f == PolygonStreamSimulation.StreamFault.DROP) {
      open.forEach(Connection::close);
      fault.compareAndSet(
          PolygonStreamSimulation.StreamFault.DROP, PolygonStreamSimulation.StreamFault.NONE);
    }
  }

  void reset() {
    fault.set(PolygonStreamSimulation.StreamFault.NONE);
    connections.set(0);
    authenticated.set(0);
    tics.set(0);
    historyRefused.set(0);
    subscriptions.clear();
  }

  long connections() {
    return connections.get();
  }

  int open() {
    return open.size();
  }

  long authenticated() {
    return authenticated.get();
  }

  long historyRefused() {
    return historyRefused.get();
  }

  /** How many {@code smd} ({@code channel} "smd") or {@code smh} requests named the symbol. */
  long subscriptions(String channel, String symbol) {
    AtomicLong n = subscriptions.get(channel + ":" + symbol);
    return n == null ? 0 : n.get();
  }

  Map<String, Object> view() {
    Map<String, Long> subs = new java.util.TreeMap<>();
    subscriptions.forEach((k, v) -> subs.put(k, v.get()));
    return Map.of(
        "connections", connections.get(),
        "open", open.size(),
        "authenticated", authenticated.get(),
        "tics", tics.get(),
        "history_refused", historyRefused.get(),
        "subscriptions", subs,
        "fault", fault.get().name().toLowerCase(Locale.ROOT));
  }

  private Flow<Message, Message, NotUsed> connection(ActorSystem<?> system) {
    return SimulatedSocket.serve(system, interval, Connection::new);
  }

  /** One socket: its session and its market data and history streams. */
  private final class Connection extends SimulatedSocket {
    private final Map<Long, Boolean> marketData = new ConcurrentHashMap<>();
    private final Map<Long, String> history = new ConcurrentHashMap<>();
    private volatile boolean authenticated;
    private long ticks;

    @Override
    void opened() {
      connections.incrementAndGet();
      open.add(this);
      send("{\"message\":\"waiting for session\"}");
    }

    @Override
    void forget() {
      open.remove(this);
    }

    @Override
    void receive(String text) {
      if (text.equals("tic")) {
        tics.incrementAndGet();
        send("{\"topic\":\"tic\",\"alive\":true}");
      } else if (text.startsWith("{")) {
        session(text);
      } else if (authenticated && text.startsWith("smd+")) {
        long conid = conid(text);
        count("smd", conid);
        marketData.put(conid, true); // the next frame is full
      } else if (text.startsWith("umd+")) {
        marketData.remove(conid(text));
      } else if (authenticated && text.startsWith("smh+")) {
        history(conid(text));
      } else if (text.startsWith("umh+")) {
        history.values().remove(text.substring(4));
      }
    }

    private void session(String text) {
      JsonNode msg;
      try {
        msg = Json.mapper().readTree(text);
      } catch (Exception e) {
        return;
      }
      String session = msg.path("session").asText("");
      if (fault.get() == PolygonStreamSimulation.StreamFault.REFUSE_AUTH
          || !sessions.contains(session)) {
        send(
            "{\"topic\":\"sts\",\"args\":{\"authenticated\":false,\"competing\":false,"
                + "\"message\":\"not authenticated\",\"fail\":\"\"}}");
        close();
        return;
      }
      authenticated = true;
      IbkrStreamSimulation.this.authenticated.incrementAndGet();
      send(
          "{\"topic\":\"sts\",\"args\":{\"authenticated\":true,\"competing\":false,"
              + "\"message\":\"\",\"fail\":\"\",\"serverName\":\"Simulator\"}}");
      send("{\"topic\":\"system\",\"success\":\"sim1234\",\"isFT\":false,\"isPaper\":true}");
    }

    private void history(long conid) {
      if (history.containsKey(conid)) return;
      if (history.size() >= MAX_HISTORY_STREAMS) {
        historyRefused.incrementAndGet();
        send(
            "{\"topic\":\"smh+"
                + conid
                + "\",\"error\":\"Exceeded max number of concurrent historical data queries: "
                + MAX_HISTORY_STREAMS
                + "\"}");
        return;
      }
      count("smh", conid);
      history.put(conid, Long.toString(serverIds.incrementAndGet()));
    }

    private void count(String channel, long conid) {
      String symbol = symbols.apply(conid).orElse(Long.toString(conid));
      subscriptions
          .computeIfAbsent(channel + ":" + symbol, k -> new AtomicLong())
          .incrementAndGet();
    }

    private long conid(String command) {
      int end = command.indexOf('+', 4);
      try {
        return Long.parseLong(command.substring(4, end < 0 ? command.length() : end));
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    @Override
    void tick() {
      if (isClosed() || !authenticated) return;
      PolygonStreamSimulation.StreamFault f = fault.get();
      if (f == PolygonStreamSimulation.StreamFault.STALL) return;
      if (f == PolygonStreamSimulation.StreamFault.GARBAGE) {
        send("\u0000not json{");
        return;
      }
      ticks++;
      long now = System.currentTimeMillis();
      marketData.forEach((conid, full) -> marketData(conid, full, now));
      history.forEach((conid, serverId) -> bars(conid, serverId, now));
    }

    /** The first frame of a conid has every field; later ones only what changed this tick. */
    private void marketData(long conid, boolean full, long now) {
      Optional<String> symbol = symbols.apply(conid);
      if (symbol.isEmpty()) return;
      BigDecimal price = SimulatedMarket.quote(symbol.get()).price();
      BigDecimal step = new BigDecimal(ticks % 5).movePointLeft(2);
      ObjectNode frame = Json.mapper().createObjectNode();
      frame.put("server_id", "q0").put("conidEx", Long.toString(conid)).put("conid", conid);
      frame.put("_updated", now);
      if (full) {
        frame.put("31", price.toPlainString());
        frame.put("84", price.subtract(new BigDecimal("0.01")).add(step).toPlainString());
        frame.put("86", price.add(new BigDecimal("0.01")).add(step).toPlainString());
        frame.put("88", "300").put("85", "200").put("6509", "RpB");
        marketData.put(conid, false);
      } else if (ticks % 2 == 0) {
        frame.put("84", price.subtract(new BigDecimal("0.01")).add(step).toPlainString());
      } else {
        frame.put("86", price.add(new BigDecimal("0.01")).add(step).toPlainString());
        frame.put("31", price.add(step).toPlainString());
      }
      frame.put("topic", "smd+" + conid);
      send(frame.toString());
    }

    private void bars(long conid, String serverId, long now) {
      Optional<String> symbol = symbols.apply(conid);
      if (symbol.isEmpty()) return;
      BigDecimal price = SimulatedMarket.quote(symbol.get()).price();
      ObjectNode frame = Json.mapper().createObjectNode();
      frame.put("serverId", serverId).put("symbol", symbol.get()).put("barLength", 60);
      frame
          .putArray("data")
          .addObject()
          .put("o", price)
          .put("c", price)
          .put("h", price.add(BigDecimal.ONE))
          .put("l", price.subtract(BigDecimal.ONE))
          .put("v", 100 * ticks)
          .put("t", now - now % 60_000);
      frame.put("topic", "smh+" + conid);
      send(frame.toString());
    }
  }
}
