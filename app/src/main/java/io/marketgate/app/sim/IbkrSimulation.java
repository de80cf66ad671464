package io.marketgate.app.sim;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The IBKR Client Portal gateway in its real formats under {@code /ibkr/v1/api}: the contract
 * search {@code /iserver/secdef/search?symbol=} (the US listing, then a Mexican one) and the market
 * data snapshot {@code /iserver/marketdata/snapshot?conids=&fields=}, which answers only the fields
 * asked for. The first snapshot of a conid opens its market data line and holds only {@code conid},
 * {@code conidEx} and {@code server_id}, as the gateway's does; later ones carry the data. Symbols
 * starting with A–M are real-time ({@code 6509 = "RpB"}), the others delayed ({@code "DPB"}). The
 * search hands out the conids (from the symbol, so usually the same across runs); a snapshot of any
 * other conid, the Mexican listing's included, is {@code []}. The gateway holds the session, so no
 * key is checked.
 */
final class IbkrSimulation {
  static final String NAME = "ibkr";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Responder responder;
  private final ConcurrentMap<Long, String> symbols = new ConcurrentHashMap<>();
  private final Set<Long> openLines = ConcurrentHashMap.newKeySet();

  IbkrSimulation(Responder responder) {
    this.responder = responder;
  }

  Route route() {
    return pathPrefix(
        segment("ibkr").slash("v1").slash("api").slash("iserver"),
        () ->
            parameterMap(
                params ->
                    concat(
                        path(
                            segment("secdef").slash("search"),
                            () ->
                                search(params.getOrDefault("symbol", "").toUpperCase(Locale.ROOT))),
                        path(
                            segment("marketdata").slash("snapshot"),
                            () ->
                                snapshot(
                                    params.getOrDefault("conids", ""),
                                    List.of(params.getOrDefault("fields", "").split(",")))))));
  }

  private Route search(String symbol) {
    Supplier<SimResponse> contracts = () -> SimResponse.json(200, contracts(symbol));
    // A contract search needs no market data permissions, so it is never refused for them.
    return responder.respond(
        NAME, "secdef_search", symbol, new Answers(contracts), invalid -> contracts.get());
  }

  private ArrayNode contracts(String symbol) {
    ArrayNode list = NODES.arrayNode();
    if (symbol.isBlank() || !SimulatedMarket.knows(symbol)) return list;
    long conid = conidOf(symbol);
    list.add(contract(conid, symbol, "NASDAQ"));
    list.add(contract(conid + 1_000_000_000L, symbol, "MEXI"));
    return list;
  }

  private static ObjectNode contract(long conid, String symbol, String exchange) {
    ObjectNode c = NODES.objectNode();
    c.put("conid", Long.toString(conid));
    c.put("companyHeader", symbol + " INC - " + exchange);
    c.put("companyName", symbol + " INC");
    c.put("symbol", symbol);
    c.put("description", exchange);
    c.putNull("restricted");
    c.putNull("fop");
    c.put("opt", exchange.equals("NASDAQ") ? "20261218;20270115" : null);
    c.putNull("war");
    ArrayNode sections = c.putArray("sections");
    sections.addObject().put("secType", "STK");
    if (exchange.equals("NASDAQ")) {
      sections
          .addObject()
          .put("secType", "OPT")
          .put("months", "DEC26;JAN27")
          .put("exchange", "SMART;AMEX;CBOE;ISE");
    }
    return c;
  }

  /** The symbol the contract search gave this conid, if it did. */
  java.util.Optional<String> symbolOf(long conid) {
    return java.util.Optional.ofNullable(symbols.get(conid));
  }

  /** From the symbol; a clash with another symbol's takes the next free number. */
  private long conidOf(String symbol) {
    long conid = 100_000 + SimulatedMarket.seed(symbol) % 900_000_000L;
    while (!symbol.equals(symbols.computeIfAbsent(conid, c -> symbol))) conid++;
    return conid;
  }

  private Route snapshot(String conidList, List<String> fields) {
    List<Long> conids =
        Arrays.stream(conidList.split(","))
            .map(String::trim)
            .filter(c -> c.matches("\\d{1,18}"))
            .map(Long::valueOf)
            .toList();
    String first = conids.isEmpty() ? "" : symbols.getOrDefault(conids.get(0), "");
    Supplier<SimResponse> notSubscribed =
        () ->
            rows(
                conids,
                (conid, symbol) -> {
                  ObjectNode row = line(conid);
                  row.put("55", symbol);
                  row.put("6509", "N");
                  return row;
                });
    return responder.respond(
        NAME,
        "snapshot",
        first,
        new Answers(notSubscribed),
        invalid ->
            rows(
                conids,
                (conid, symbol) -> {
                  if (openLines.add(conid)) return line(conid);
                  ObjectNode row = line(conid);
                  row.put("_updated", System.currentTimeMillis());
                  row.put("6119", "q0");
                  fields(symbol, invalid)
                      .forEach(
                          (field, value) -> {
                            if (fields.contains(field)) row.put(field, value);
                          });
                  return row;
                }));
  }

  private SimResponse rows(List<Long> conids, BiFunction<Long, String, ObjectNode> row) {
    ArrayNode list = NODES.arrayNode();
    for (long conid : conids) {
      String symbol = symbols.get(conid);
      if (symbol != null) list.add(row.apply(conid, symbol));
    }
    return SimResponse.json(200, list);
  }

  /** What the first snapshot of a conid holds, and every later one starts with. */
  private static ObjectNode line(long conid) {
    ObjectNode row = NODES.objectNode();
    row.put("conid", conid);
    row.put("conidEx", Long.toString(conid));
    row.put("server_id", "q0");
    return row;
  }

  private static Map<String, String> fields(String symbol, boolean invalid) {
    SimulatedMarket.Numbers n = SimulatedMarket.quote(symbol);
    Map<String, String> f = new LinkedHashMap<>();
    f.put("31", invalid ? "0.00" : n.price().toPlainString());
    f.put("55", symbol);
    f.put("70", n.dayHigh().toPlainString());
    f.put("71", n.dayLow().toPlainString());
    f.put("82", signed(n.change()));
    f.put("83", signed(n.changePercent().setScale(2, RoundingMode.HALF_UP)));
    f.put("87", shortened(n.volume()));
    f.put("7295", n.open().toPlainString());
    f.put("7741", n.previousClose().toPlainString());
    f.put("7762", Long.toString(n.volume()));
    f.put("6509", symbol.charAt(0) <= 'M' ? "RpB" : "DPB");
    return f;
  }

  private static String signed(BigDecimal v) {
    return (v.signum() >= 0 ? "+" : "") + v.toPlainString();
  }

  /** Field 87 as the gateway shows it: {@code 47.8M}, {@code 950K}. */
  private static String shortened(long volume) {
    if (volume >= 1_000_000)
      return BigDecimal.valueOf(volume).movePointLeft(6).setScale(1, RoundingMode.HALF_UP) + "M";
    if (volume >= 1_000)
      return BigDecimal.valueOf(volume).movePointLeft(3).setScale(1, RoundingMode.HALF_UP) + "K";
    return Long.toString(volume);
  }

  /** The gateway's answers to the faults; a plan refusal depends on the call it refuses. */
  private record Answers(Supplier<SimResponse> refusal) implements ProviderFormat {
    private static SimResponse error(int status, String message, int statusCode) {
      ObjectNode body = NODES.objectNode();
      body.put("error", message);
      body.put("statusCode", statusCode);
      return SimResponse.json(status, body);
    }

    /** The penalty box: the gateway's 429 comes as a plain page. */
    @Override
    public SimResponse rateLimited() {
      return SimResponse.html(429, "Too Many Requests");
    }

    @Override
    public SimResponse errorWithStatus200() {
      return error(200, "Internal Server Error", 500);
    }

    /** The gateway is running but nobody has logged in to it. */
    @Override
    public SimResponse unauthorized() {
      return error(401, "not authenticated", 401);
    }

    /** A snapshot whose availability is {@code N}: no market data permissions for the contract. */
    @Override
    public SimResponse notEntitled() {
      return refusal.get();
    }
  }
}
