package io.marketgate.app.sim;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Polygon.io in its real formats under {@code /polygon}: the previous-day aggregate and the
 * ticker snapshot. The key may come as {@code Authorization: Bearer} or {@code ?apiKey=}.
 */
final class PolygonSimulation implements ProviderFormat {
  static final String NAME = "polygon";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Responder responder;

  PolygonSimulation(Responder responder) {
    this.responder = responder;
  }

  Route route() {
    return pathPrefix(
        "polygon",
        () ->
            optionalHeaderValueByName(
                "Authorization",
                auth ->
                    parameterMap(
                        params -> {
                          boolean keyed = validKey(auth, params);
                          return concat(
                              path(
                                  segment("v2").slash("aggs").slash("ticker").slash(segment()).slash("prev"),
                                  t -> prev(t.toUpperCase(Locale.ROOT), keyed)),
                              path(
                                  segment("v2").slash("snapshot").slash("locale").slash("us").slash("markets")
                                      .slash("stocks").slash("tickers").slash(segment()),
                                  t -> snapshot(t.toUpperCase(Locale.ROOT), keyed)));
                        })));
  }

  private Route prev(String ticker, boolean keyed) {
    return responder.respond(NAME, "aggs_prev", ticker, this, invalid -> {
      if (!keyed) return unauthorized();
      ObjectNode body = NODES.objectNode();
      body.put("ticker", ticker);
      body.put("queryCount", SimulatedMarket.knows(ticker) ? 1 : 0);
      body.put("resultsCount", SimulatedMarket.knows(ticker) ? 1 : 0);
      body.put("adjusted", true);
      if (SimulatedMarket.knows(ticker)) {
        SimulatedMarket.Numbers n = SimulatedMarket.quote(ticker);
        ObjectNode bar = body.putArray("results").addObject();
        bar.put("T", ticker);
        bar.put("v", n.volume());
        bar.put("vw", n.previousClose());
        bar.put("o", n.open());
        bar.put("c", invalid ? BigDecimal.ZERO : n.price());
        bar.put("h", n.dayHigh());
        bar.put("l", n.dayLow());
        bar.put("t", (System.currentTimeMillis() / 86_400_000L - 1) * 86_400_000L + 72_000_000L);
        bar.put("n", n.volume() / 100);
      }
      body.put("status", "OK");
      body.put("request_id", requestId());
      body.put("count", SimulatedMarket.knows(ticker) ? 1 : 0);
      return SimResponse.json(200, body);
    });
  }

  private Route snapshot(String ticker, boolean keyed) {
    return responder.respond(NAME, "ticker_snapshot", ticker, this, invalid -> {
      if (!keyed) return unauthorized();
      if (!SimulatedMarket.knows(ticker)) {
        ObjectNode notFound = NODES.objectNode();
        notFound.put("request_id", requestId());
        notFound.put("status", "NotFound");
        notFound.put("message", "Ticker not found.");
        return SimResponse.json(404, notFound);
      }
      SimulatedMarket.Numbers n = SimulatedMarket.quote(ticker);
      ObjectNode body = NODES.objectNode();
      body.put("request_id", requestId());
      body.put("status", "OK");
      ObjectNode t = body.putObject("ticker");
      ObjectNode day = t.putObject("day");
      day.put("c", n.price());
      day.put("h", n.dayHigh());
      day.put("l", n.dayLow());
      day.put("o", n.open());
      day.put("v", n.volume());
      day.put("vw", n.price());
      ObjectNode lastTrade = t.putObject("lastTrade");
      lastTrade.putArray("c").add(14).add(41);
      lastTrade.put("i", "71675577320245");
      lastTrade.put("p", invalid ? BigDecimal.ZERO : n.price());
      lastTrade.put("s", 100);
      lastTrade.put("t", System.currentTimeMillis() * 1_000_000L);
      lastTrade.put("x", 4);
      ObjectNode prevDay = t.putObject("prevDay");
      prevDay.put("c", n.previousClose());
      prevDay.put("h", n.previousClose().add(BigDecimal.ONE));
      prevDay.put("l", n.previousClose().subtract(BigDecimal.ONE));
      prevDay.put("o", n.previousClose());
      prevDay.put("v", n.volume());
      prevDay.put("vw", n.previousClose());
      t.put("ticker", ticker);
      t.put("todaysChange", n.change());
      t.put("todaysChangePerc", n.changePercent());
      t.put("updated", System.currentTimeMillis() * 1_000_000L);
      return SimResponse.json(200, body);
    });
  }

  private static boolean validKey(Optional<String> auth, Map<String, String> params) {
    String key =
        auth.filter(a -> a.startsWith("Bearer ")).map(a -> a.substring(7)).orElse(params.getOrDefault("apiKey", ""));
    return !key.isBlank() && !key.startsWith("invalid");
  }

  private static String requestId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  private static SimResponse error(int status, String apiStatus, String field, String message) {
    ObjectNode body = NODES.objectNode();
    body.put("status", apiStatus);
    body.put("request_id", requestId());
    body.put(field, message);
    return SimResponse.json(status, body);
  }

  @Override
  public SimResponse rateLimited() {
    return error(429, "ERROR", "error",
        "You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue. https://polygon.io/pricing");
  }

  @Override
  public SimResponse errorWithStatus200() {
    return error(200, "ERROR", "error", "Internal server error, please try again");
  }

  @Override
  public SimResponse unauthorized() {
    return error(401, "ERROR", "error", "Unknown API Key");
  }
}
