package io.marketgate.app.sim;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Financial Modeling Prep in its real formats: the current API under {@code /fmp/stable} and the
 * legacy v3 layout under {@code /fmp/api/v3} (comma-separated symbols allowed there).
 */
final class FmpSimulation implements ProviderFormat {
  static final String NAME = "fmp";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Responder responder;

  FmpSimulation(Responder responder) {
    this.responder = responder;
  }

  Route route() {
    return pathPrefix(
        "fmp",
        () ->
            parameterMap(
                params ->
                    concat(
                        path(segment("stable").slash("quote"), () -> quote(params, params.getOrDefault("symbol", ""), false)),
                        path(segment("api").slash("v3").slash("quote").slash(segment()), symbols -> quote(params, symbols, true)))));
  }

  private Route quote(Map<String, String> params, String symbols, boolean legacy) {
    String first = symbols.split(",")[0].toUpperCase(Locale.ROOT);
    return responder.respond(NAME, "quote", first, this, invalid -> {
      if (!validKey(params)) return unauthorized();
      ArrayNode array = NODES.arrayNode();
      Arrays.stream(symbols.split(","))
          .map(s -> s.trim().toUpperCase(Locale.ROOT))
          .filter(s -> !s.isEmpty() && SimulatedMarket.knows(s))
          .forEach(s -> array.add(quoteJson(s, legacy, invalid)));
      return SimResponse.json(200, array);
    });
  }

  private static ObjectNode quoteJson(String symbol, boolean legacy, boolean invalid) {
    SimulatedMarket.Numbers n = SimulatedMarket.quote(symbol);
    ObjectNode q = NODES.objectNode();
    q.put("symbol", symbol);
    q.put("name", symbol + " Inc.");
    q.put("price", invalid ? BigDecimal.ZERO : n.price());
    q.put(legacy ? "changesPercentage" : "changePercentage", n.changePercent());
    q.put("change", n.change());
    if (!legacy) q.put("volume", n.volume());
    q.put("dayLow", n.dayLow());
    q.put("dayHigh", n.dayHigh());
    q.put("yearHigh", n.dayHigh().multiply(BigDecimal.valueOf(13, 1)));
    q.put("yearLow", n.dayLow().multiply(BigDecimal.valueOf(7, 1)));
    q.put("marketCap", n.price().multiply(BigDecimal.valueOf(15_000_000_000L)).longValue());
    q.put("priceAvg50", n.previousClose());
    q.put("priceAvg200", n.open());
    q.put("exchange", "NASDAQ");
    if (legacy) {
      q.put("volume", n.volume());
      q.put("avgVolume", n.volume() + 1000);
    }
    q.put("open", n.open());
    q.put("previousClose", n.previousClose());
    if (legacy) {
      q.put("eps", 6.11);
      q.put("pe", 31.2);
      q.put("earningsAnnouncement", "2026-01-29T21:30:00.000+0000");
      q.put("sharesOutstanding", 15_000_000_000L);
    }
    q.put("timestamp", System.currentTimeMillis() / 1000);
    return q;
  }

  private static boolean validKey(Map<String, String> params) {
    String key = Optional.ofNullable(params.get("apikey")).orElse("");
    return !key.isEmpty() && !key.startsWith("invalid");
  }

  private static SimResponse error(int status, String message) {
    ObjectNode body = NODES.objectNode();
    body.put("Error Message", message);
    return SimResponse.json(status, body);
  }

  @Override
  public SimResponse rateLimited() {
    return error(429, "Limit Reach . Please upgrade your plan or visit our documentation for more details at https://site.financialmodelingprep.com/");
  }

  @Override
  public SimResponse errorWithStatus200() {
    return error(200, "Unexpected error: the request could not be processed, please try again later.");
  }

  @Override
  public SimResponse unauthorized() {
    return error(401, "Invalid API KEY. Feel free to create a Free API Key or visit https://site.financialmodelingprep.com/faqs?search=why-is-my-api-key-invalid for more information.");
  }
}
