package io.marketgate.app.sim;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Financial Modeling Prep in its real formats: the current API under {@code /fmp/stable} and the
 * legacy v3 layout under {@code /fmp/api/v3}, for quotes (single and multi-symbol), statements,
 * profiles, earnings, symbol search and news.
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
                        pathPrefix(
                            "stable",
                            () ->
                                concat(
                                    path(
                                        "quote",
                                        () ->
                                            quotes(
                                                params,
                                                params.getOrDefault("symbol", ""),
                                                false,
                                                "quote")),
                                    path(
                                        "batch-quote",
                                        () ->
                                            quotes(
                                                params,
                                                params.getOrDefault("symbols", ""),
                                                false,
                                                "batch_quote")),
                                    path(
                                        "profile",
                                        () ->
                                            one(
                                                params,
                                                params.getOrDefault("symbol", ""),
                                                "profile",
                                                (s, inv) -> profile(s, false))),
                                    path(
                                        "income-statement",
                                        () ->
                                            statements(
                                                params,
                                                params.getOrDefault("symbol", ""),
                                                "income",
                                                false)),
                                    path(
                                        "balance-sheet-statement",
                                        () ->
                                            statements(
                                                params,
                                                params.getOrDefault("symbol", ""),
                                                "balance",
                                                false)),
                                    path(
                                        "cash-flow-statement",
                                        () ->
                                            statements(
                                                params,
                                                params.getOrDefault("symbol", ""),
                                                "cash_flow",
                                                false)),
                                    path(
                                        "earnings",
                                        () ->
                                            list(
                                                params,
                                                params.getOrDefault("symbol", ""),
                                                "earnings",
                                                s -> earnings(s, false))),
                                    path("search-symbol", () -> search(params, false)),
                                    path(
                                        segment("news").slash("stock"),
                                        () ->
                                            list(
                                                params,
                                                params.getOrDefault("symbols", ""),
                                                "news",
                                                s -> news(s, false))))),
                        pathPrefix(
                            segment("api").slash("v3"),
                            () ->
                                concat(
                                    path(
                                        segment("quote").slash(segment()),
                                        symbols ->
                                            quotes(
                                                params,
                                                symbols,
                                                true,
                                                symbols.contains(",") ? "batch_quote" : "quote")),
                                    path(
                                        segment("profile").slash(segment()),
                                        s ->
                                            one(
                                                params,
                                                s,
                                                "profile",
                                                (sym, inv) -> profile(sym, true))),
                                    path(
                                        segment("income-statement").slash(segment()),
                                        s -> statements(params, s, "income", true)),
                                    path(
                                        segment("balance-sheet-statement").slash(segment()),
                                        s -> statements(params, s, "balance", true)),
                                    path(
                                        segment("cash-flow-statement").slash(segment()),
                                        s -> statements(params, s, "cash_flow", true)),
                                    path(
                                        segment("historical")
                                            .slash("earning_calendar")
                                            .slash(segment()),
                                        s ->
                                            list(
                                                params, s, "earnings", sym -> earnings(sym, true))),
                                    path("search", () -> search(params, true)),
                                    path(
                                        "stock_news",
                                        () ->
                                            list(
                                                params,
                                                params.getOrDefault("tickers", ""),
                                                "news",
                                                s -> news(s, true))))))));
  }

  private Route quotes(
      Map<String, String> params, String symbols, boolean legacy, String endpoint) {
    String first = symbols.split(",")[0].toUpperCase(Locale.ROOT);
    return responder.respond(
        NAME,
        endpoint,
        endpoint.equals("batch_quote") ? symbols.toUpperCase(Locale.ROOT) : first,
        this,
        invalid -> {
          if (!validKey(params)) return unauthorized();
          ArrayNode array = NODES.arrayNode();
          Arrays.stream(symbols.split(","))
              .map(s -> s.trim().toUpperCase(Locale.ROOT))
              .filter(s -> !s.isEmpty() && SimulatedMarket.knows(s))
              .forEach(s -> array.add(quoteJson(s, legacy, invalid)));
          return SimResponse.json(200, array);
        });
  }

  /** An array with one element built from the symbol, or [] for an unknown symbol. */
  private Route one(
      Map<String, String> params,
      String symbol,
      String endpoint,
      BiFunction<String, Boolean, ObjectNode> build) {
    String s = symbol.toUpperCase(Locale.ROOT);
    return responder.respond(
        NAME,
        endpoint,
        s,
        this,
        invalid -> {
          if (!validKey(params)) return unauthorized();
          ArrayNode array = NODES.arrayNode();
          if (SimulatedMarket.knows(s)) array.add(build.apply(s, invalid));
          return SimResponse.json(200, array);
        });
  }

  private Route list(
      Map<String, String> params,
      String symbol,
      String endpoint,
      java.util.function.Function<String, ArrayNode> build) {
    String s = symbol.toUpperCase(Locale.ROOT);
    return responder.respond(
        NAME,
        endpoint,
        s,
        this,
        invalid -> {
          if (!validKey(params)) return unauthorized();
          return SimResponse.json(
              200, SimulatedMarket.knows(s) ? build.apply(s) : NODES.arrayNode());
        });
  }

  private Route statements(
      Map<String, String> params, String symbol, String statement, boolean legacy) {
    String s = symbol.toUpperCase(Locale.ROOT);
    boolean quarterly = "quarter".equals(params.get("period"));
    int limit = Integer.parseInt(params.getOrDefault("limit", "5"));
    String endpoint =
        switch (statement) {
          case "balance" -> "balance-sheet-statement";
          case "cash_flow" -> "cash-flow-statement";
          default -> "income-statement";
        };
    return responder.respond(
        NAME,
        endpoint,
        s,
        this,
        invalid -> {
          if (!validKey(params)) return unauthorized();
          ArrayNode array = NODES.arrayNode();
          if (SimulatedMarket.knows(s)) {
            for (int i = 0; i < Math.min(limit, 8); i++)
              array.add(statementJson(s, statement, quarterly, legacy, i));
          }
          return SimResponse.json(200, array);
        });
  }

  private Route search(Map<String, String> params, boolean legacy) {
    String q = params.getOrDefault("query", "").toUpperCase(Locale.ROOT);
    return responder.respond(
        NAME,
        "search",
        q,
        this,
        invalid -> {
          if (!validKey(params)) return unauthorized();
          ArrayNode array = NODES.arrayNode();
          if (SimulatedMarket.knows(q) && !q.isBlank()) {
            for (String suffix : List.of("", ".L", "-B")) {
              String symbol = q.replace(' ', '-') + suffix;
              ObjectNode m = array.addObject();
              m.put("symbol", symbol);
              m.put("name", titleCase(q) + (suffix.isEmpty() ? " Inc." : " Holdings"));
              m.put("currency", suffix.equals(".L") ? "GBp" : "USD");
              if (legacy) {
                m.put(
                    "stockExchange",
                    suffix.equals(".L") ? "London Stock Exchange" : "NASDAQ Global Select");
                m.put("exchangeShortName", suffix.equals(".L") ? "LSE" : "NASDAQ");
              } else {
                m.put(
                    "exchangeFullName",
                    suffix.equals(".L") ? "London Stock Exchange" : "NASDAQ Global Select");
                m.put("exchange", suffix.equals(".L") ? "LSE" : "NASDAQ");
              }
            }
          }
          return SimResponse.json(200, array);
        });
  }

  private static String titleCase(String s) {
    return s.isEmpty() ? s : s.charAt(0) + s.substring(1).toLowerCase(Locale.ROOT);
  }

  static ObjectNode quoteJson(String symbol, boolean legacy, boolean invalid) {
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

  private static ObjectNode profile(String symbol, boolean legacy) {
    SimulatedMarket.Numbers n = SimulatedMarket.quote(symbol);
    long h = SimulatedMarket.seed(symbol);
    ObjectNode p = NODES.objectNode();
    p.put("symbol", symbol);
    p.put("price", n.price());
    p.put(
        legacy ? "mktCap" : "marketCap",
        n.price().multiply(BigDecimal.valueOf(1_000_000_000L * (1 + h % 15))).longValue());
    p.put("beta", 1.2);
    p.put(legacy ? "lastDiv" : "lastDividend", 0.96);
    p.put("companyName", symbol + " Inc.");
    p.put("currency", "USD");
    p.put("cik", "0000320193");
    p.put("isin", "US" + String.format("%010d", h % 10_000_000_000L));
    if (legacy) {
      p.put("exchange", "NASDAQ Global Select");
      p.put("exchangeShortName", "NASDAQ");
    } else {
      p.put("exchangeFullName", "NASDAQ Global Select");
      p.put("exchange", "NASDAQ");
    }
    p.put(
        "industry",
        List.of(
                "Consumer Electronics",
                "Software - Infrastructure",
                "Semiconductors",
                "Banks - Diversified")
            .get((int) (h % 4)));
    p.put("website", "https://www." + symbol.toLowerCase(Locale.ROOT) + ".example");
    p.put("description", symbol + " Inc. designs, manufactures and markets products worldwide.");
    p.put("ceo", "Ms. Jane Doe");
    p.put(
        "sector",
        List.of("Technology", "Technology", "Technology", "Financial Services").get((int) (h % 4)));
    p.put("country", "US");
    p.put("fullTimeEmployees", Long.toString(1000 + h % 200_000));
    p.put("phone", "(555) 010-0000");
    p.put("ipoDate", "1980-12-12");
    p.put("isEtf", false);
    p.put("isActivelyTrading", true);
    return p;
  }

  private static ObjectNode statementJson(
      String symbol, String statement, boolean quarterly, boolean legacy, int i) {
    SimulatedMarket.Financials f = SimulatedMarket.financials(symbol, quarterly, i);
    ObjectNode r = NODES.objectNode();
    r.put("date", f.periodEnd().toString());
    r.put("symbol", symbol);
    r.put("reportedCurrency", "USD");
    r.put("cik", "0000320193");
    r.put(legacy ? "fillingDate" : "filingDate", f.periodEnd().plusDays(35).toString());
    r.put("acceptedDate", f.periodEnd().plusDays(34) + " 18:01:14");
    r.put(legacy ? "calendarYear" : "fiscalYear", Integer.toString(f.fiscalYear()));
    r.put("period", f.fiscalPeriod());
    switch (statement) {
      case "balance" -> {
        r.put("totalAssets", f.totalAssets());
        r.put("totalLiabilities", f.totalLiabilities());
        r.put("totalStockholdersEquity", f.totalAssets() - f.totalLiabilities());
        if (!legacy) r.put("totalEquity", f.totalAssets() - f.totalLiabilities());
      }
      case "cash_flow" -> {
        r.put("netIncome", f.netIncome());
        r.put("operatingCashFlow", f.operatingCashFlow());
        r.put("capitalExpenditure", f.capitalExpenditure());
        r.put("freeCashFlow", f.operatingCashFlow() + f.capitalExpenditure());
      }
      default -> {
        r.put("revenue", f.revenue());
        r.put("costOfRevenue", f.costOfRevenue());
        r.put("grossProfit", f.revenue() - f.costOfRevenue());
        r.put("operatingIncome", f.operatingIncome());
        r.put("netIncome", f.netIncome());
        r.put("eps", f.eps());
        r.put(legacy ? "epsdiluted" : "epsDiluted", f.epsDiluted());
      }
    }
    return r;
  }

  private static ArrayNode earnings(String symbol, boolean legacy) {
    ArrayNode array = NODES.arrayNode();
    for (int i = 0; i < 4; i++) {
      SimulatedMarket.Financials f = SimulatedMarket.financials(symbol, true, i);
      ObjectNode e = array.addObject();
      e.put("symbol", symbol);
      e.put("date", f.periodEnd().plusDays(30).toString());
      if (legacy) {
        e.put("eps", f.eps());
        e.put("epsEstimated", f.eps().subtract(BigDecimal.valueOf(5, 2)));
        e.put("time", "amc");
        e.put("revenue", f.revenue());
        e.put("revenueEstimated", f.revenue() - f.revenue() / 100);
        e.put("fiscalDateEnding", f.periodEnd().toString());
        e.put("updatedFromDate", f.periodEnd().plusDays(31).toString());
      } else {
        e.put("epsActual", f.eps());
        e.put("epsEstimated", f.eps().subtract(BigDecimal.valueOf(5, 2)));
        e.put("revenueActual", f.revenue());
        e.put("revenueEstimated", f.revenue() - f.revenue() / 100);
        e.put("lastUpdated", f.periodEnd().plusDays(31).toString());
      }
    }
    return array;
  }

  private static ArrayNode news(String symbol, boolean legacy) {
    ArrayNode array = NODES.arrayNode();
    for (int i = 0; i < 3; i++) {
      ObjectNode a = array.addObject();
      a.put("symbol", symbol);
      a.put(
          "publishedDate", java.time.LocalDate.of(2026, 11, 20).minusDays(i) + " 09:3" + i + ":00");
      if (!legacy) a.put("publisher", "Simulated Wire");
      a.put("title", symbol + " story " + i);
      a.put("image", "https://images.example/" + symbol + "/" + i + ".jpg");
      a.put("site", "wire.example");
      a.put("text", "What moved " + symbol + " today, part " + i + ".");
      a.put(
          "url",
          i == 0
              ? SimulatedMarket.syndicatedStoryUrl(symbol)
              : "https://news.example/" + symbol.toLowerCase(Locale.ROOT) + "/story-" + i);
    }
    return array;
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
    return error(
        429,
        "Limit Reach . Please upgrade your plan or visit our documentation for more details at https://site.financialmodelingprep.com/");
  }

  @Override
  public SimResponse errorWithStatus200() {
    return error(
        200, "Unexpected error: the request could not be processed, please try again later.");
  }

  @Override
  public SimResponse unauthorized() {
    return error(
        401,
        "Invalid API KEY. Feel free to create a Free API Key or visit https://site.financialmodelingprep.com/faqs?search=why-is-my-api-key-invalid for more information.");
  }

  /** FMP refuses a plan's missing endpoint in plain text, not JSON. */
  @Override
  public SimResponse notEntitled() {
    return SimResponse.text(
        402,
        "Restricted Endpoint: This endpoint is not available under your current subscription please visit our subscription page to upgrade your plan at https://site.financialmodelingprep.com/developer/docs/pricing");
  }
}
