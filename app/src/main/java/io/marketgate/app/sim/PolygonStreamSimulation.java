package io.marketgate.app.sim;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketgate.app.json.Json;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * Polygon's stocks WebSocket under {@code /polygon-ws/stocks}, with its real limits: the {@code
 * connected} greeting, {@code auth} (a blank key or one starting with {@code invalid} gets {@code
 * auth_failed}), one connection per key (a second one gets {@code max_connections} and is closed),
 * {@code subscribe}/{@code unsubscribe} of {@code Q.}, {@code T.}, {@code AM.} channels, then
 * events of the subscribed channels every {@code interval}. Faults ({@link StreamFault}) drop the
 * connections, stall them, send garbage or refuse every auth.
 */
final class PolygonStreamSimulation {
  /** What the stream simulation is asked to do wrong. */
  enum StreamFault {
    NONE,
    /** Close every open connection now (once). */
    DROP,
    /** Keep connections open but send nothing. */
    STALL,
    /** Send a frame that is not JSON on every tick. */
    GARBAGE,
    /** Answer every auth with auth_failed. */
    REFUSE_AUTH,
    /** Answer every auth with max_connections. */
    MAX_CONNECTIONS
  }

  private final Duration interval;
  private final AtomicReference<StreamFault> fault = new AtomicReference<>(StreamFault.NONE);
  private final Map<String, Connection> byKey = new ConcurrentHashMap<>();
  private final Set<Connection> open = new CopyOnWriteArraySet<>();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong authAttempts = new AtomicLong();
  private final AtomicLong authenticated = new AtomicLong();
  private final AtomicLong connectionLimited = new AtomicLong();
  private final Map<String, AtomicLong> subscriptions = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> unsubscriptions = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();

  PolygonStreamSimulation(Duration interval) {
    this.interval = interval;
  }

  Route route(ActorSystem<?> system) {
    return path(
        segment("polygon-ws").slash("stocks"), () -> handleWebSocketMessages(connection(system)));
  }

  private static org.apache.pekko.http.javadsl.server.PathMatcher0 segment(String s) {
    return org.apache.pekko.http.javadsl.server.PathMatchers.segment(s);
  }

  void setFault(StreamFault f) {
    fault.set(f);
    if (f == StreamFault.DROP) {
      open.forEach(Connection::close);
      fault.compareAndSet(StreamFault.DROP, StreamFault.NONE);
    }
  }

  /** Connections opened since the start or the last reset, authenticated or not. */
  long connections() {
    return connections.get();
  }

  long authAttempts() {
    return authAttempts.get();
  }

  /** Connections that were given {@code auth_success}. */
  long authenticated() {
    return authenticated.get();
  }

  /** How many subscribe actions named this channel (e.g. {@code Q.AAPL}). */
  long subscriptions(String channel) {
    AtomicLong n = subscriptions.get(channel);
    return n == null ? 0 : n.get();
  }

  /** Connections refused with {@code max_connections}: a key's slot was already taken. */
  long connectionLimited() {
    return connectionLimited.get();
  }

  /** How many unsubscribe actions named this channel. */
  long unsubscriptions(String channel) {
    AtomicLong n = unsubscriptions.get(channel);
    return n == null ? 0 : n.get();
  }

  /** Connections open now. */
  int open() {
    return open.size();
  }

  void reset() {
    fault.set(StreamFault.NONE);
    connections.set(0);
    authAttempts.set(0);
    authenticated.set(0);
    connectionLimited.set(0);
    subscriptions.clear();
    unsubscriptions.clear();
  }

  Map<String, Object> view() {
    Map<String, Long> subs = new java.util.TreeMap<>();
    subscriptions.forEach((k, v) -> subs.put(k, v.get()));
    Map<String, Long> unsubs = new java.util.TreeMap<>();
    unsubscriptions.forEach((k, v) -> unsubs.put(k, v.get()));
    return Map.of(
        "connections", connections.get(),
        "open", open.size(),
        "auth_attempts", authAttempts.get(),
        "authenticated", authenticated.get(),
        "max_connections_refused", connectionLimited.get(),
        "subscriptions", subs,
        "unsubscriptions", unsubs,
        "fault", fault.get().name().toLowerCase(Locale.ROOT));
  }

  private Flow<Message, Message, NotUsed> connection(ActorSystem<?> system) {
    return SimulatedSocket.serve(system, interval, Connection::new);
  }

  private static String status(String status, String message) {
    ArrayNode frame = Json.mapper().createArrayNode();
    frame.addObject().put("ev", "status").put("status", status).put("message", message);
    return frame.toString();
  }

  /** One client connection and what it subscribed to. */
  private final class Connection extends SimulatedSocket {
    private final Set<String> channels = new CopyOnWriteArraySet<>();
    private volatile String key;

    @Override
    void opened() {
      connections.incrementAndGet();
      open.add(this);
      send(status("connected", "Connected Successfully"));
    }

    @Override
    void forget() {
      open.remove(this);
      if (key != null) byKey.remove(key, this);
    }

    @Override
    void receive(String text) {
      JsonNode msg;
      try {
        msg = Json.mapper().readTree(text);
      } catch (Exception e) {
        send(status("error", "invalid message"));
        return;
      }
      String action = msg.path("action").asText("");
      String params = msg.path("params").asText("");
      switch (action) {
        case "auth" -> auth(params);
        case "subscribe" -> subscribe(params, true);
        case "unsubscribe" -> subscribe(params, false);
        default -> send(status("error", "unknown action"));
      }
    }

    private void auth(String candidate) {
      authAttempts.incrementAndGet();
      StreamFault f = fault.get();
      if (f == StreamFault.REFUSE_AUTH || candidate.isBlank() || candidate.startsWith("invalid")) {
        send(status("auth_failed", "authentication failed"));
        close();
        return;
      }
      if (f == StreamFault.MAX_CONNECTIONS || byKey.putIfAbsent(candidate, this) != null) {
        connectionLimited.incrementAndGet();
        send(
            status(
                "max_connections",
                "Maximum number of websocket connections exceeded. You have reached the connection"
                    + " limit for your account."));
        close();
        return;
      }
      key = candidate;
      authenticated.incrementAndGet();
      send(status("auth_success", "authenticated"));
    }

    private void subscribe(String params, boolean add) {
      if (key == null) {
        send(status("error", "not authorized"));
        return;
      }
      for (String channel : params.split(",")) {
        String ch = channel.trim().toUpperCase(Locale.ROOT);
        if (ch.isEmpty()) continue;
        if (add) {
          channels.add(ch);
          subscriptions.computeIfAbsent(ch, k -> new AtomicLong()).incrementAndGet();
        } else {
          channels.remove(ch);
          unsubscriptions.computeIfAbsent(ch, k -> new AtomicLong()).incrementAndGet();
        }
        send(status("success", (add ? "subscribed to: " : "unsubscribed to: ") + ch));
      }
    }

    @Override
    void tick() {
      if (isClosed() || key == null || channels.isEmpty()) return;
      StreamFault f = fault.get();
      if (f == StreamFault.STALL) return;
      if (f == StreamFault.GARBAGE) {
        send("\u0000not json{");
        return;
      }
      ArrayNode frame = Json.mapper().createArrayNode();
      long now = System.currentTimeMillis();
      for (String ch : channels) {
        int dot = ch.indexOf('.');
        if (dot < 0) continue;
        String ev = ch.substring(0, dot);
        String sym = ch.substring(dot + 1);
        SimulatedMarket.Numbers n = SimulatedMarket.quote(sym);
        BigDecimal price = n.price();
        long q = sequence.incrementAndGet();
        ObjectNode e = frame.addObject().put("ev", ev).put("sym", sym);
        switch (ev) {
          case "Q" ->
              e.put("bx", 4)
                  .put("bp", price.subtract(new BigDecimal("0.01")))
                  .put("bs", 3)
                  .put("ax", 11)
                  .put("ap", price.add(new BigDecimal("0.01")))
                  .put("as", 2)
                  .put("t", now)
                  .put("q", q)
                  .put("z", 3);
          case "T" ->
              e.put("i", Long.toString(q))
                  .put("x", 4)
                  .put("p", price)
                  .put("s", 100)
                  .put("t", now)
                  .put("q", q)
                  .put("z", 3);
          case "AM" -> {
            long start = now - now % 60_000;
            e.put("v", 4110)
                .put("av", 9_470_157)
                .put("op", price)
                .put("vw", price)
                .put("o", price)
                .put("c", price)
                .put("h", price.add(BigDecimal.ONE).setScale(2, RoundingMode.HALF_UP))
                .put("l", price.subtract(BigDecimal.ONE).setScale(2, RoundingMode.HALF_UP))
                .put("a", price)
                .put("z", 685)
                .put("s", start)
                .put("e", start + 60_000);
          }
          default -> frame.remove(frame.size() - 1);
        }
      }
      if (!frame.isEmpty()) send(frame.toString());
    }
  }

  static List<String> faultNames() {
    return java.util.Arrays.stream(StreamFault.values())
        .map(f -> f.name().toLowerCase(Locale.ROOT))
        .toList();
  }
}
