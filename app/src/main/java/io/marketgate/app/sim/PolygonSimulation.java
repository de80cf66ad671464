package io.marketgate.app.sim;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Polygon.io in its real formats under {@code /polygon}: the previous-day aggregate, the ticker
 * snapshot, the options chain snapshot, financials, Benzinga earnings, ticker details, ticker
 * search and news. The key may come as {@code Authorization: Bearer} or {@code ?apiKey=}.
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
                                  segment("v2")
                                      .slash("aggs")
                                      .slash("ticker")
                                      .slash(segment())
                                      .slash("prev"),
                                  t -> prev(t.toUpperCase(Locale.ROOT), keyed)),
                              path(
                                  segment("v2")
                                      .slash("snapshot")
                                      .slash("locale")
                                      .slash("us")
                                      .slash("markets")
                                      .slash("stocks")
                                      .slash("tickers")
                                      .slash(segment()),
                                  t -> snapshot(t.toUpperCase(Locale.ROOT), keyed)),
                              path(
                                  segment("v3").slash("snapshot").slash("options").slash(segment()),
                                  t ->
                                      listing(
                                          "options_snapshot",
                                          t,
                                          keyed,
                                          PolygonSimulation::options)),
                              path(
                                  segment("vX").slash("reference").slash("financials"),
                                  () ->
                                      listing(
                                          "financials",
                                          params.getOrDefault("ticker", ""),
                                          keyed,
                                          t ->
                                              financials(
                                                  t, "quarterly".equals(params.get("timeframe"))))),
                              path(
                                  segment("benzinga").slash("v1").slash("earnings"),
                                  () ->
                                      listing(
                                          "earnings",
                                          params.getOrDefault("ticker", ""),
                                          keyed,
                                          PolygonSimulation::earnings)),
                              path(
                                  segment("v3")
                                      .slash("reference")
                                      .slash("tickers")
                                      .slash(segment()),
                                  t -> details(t.toUpperCase(Locale.ROOT), keyed)),
                              path(
                                  segment("v3").slash("reference").slash("tickers"),
                                  () ->
                                      listing(
                                          "ticker_search",
                                          params.getOrDefault("search", ""),
                                          keyed,
                                          PolygonSimulation::search)),
                              path(
                                  segment("v2").slash("reference").slash("news"),
                                  () ->
                                      listing(
                                          "news",
                                          params.getOrDefault("ticker", ""),
                                          keyed,
                                          PolygonSimulation::news)));
                        })));
  }

  private Route prev(String ticker, boolean keyed) {
    return responder.respond(
        NAME,
        "aggs_prev",
        ticker,
        this,
        invalid -> {
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
            bar.put(
                "t", (System.currentTimeMillis() / 86_400_000L - 1) * 86_400_000L + 72_000_000L);
            bar.put("n", n.volume() / 100);
          }
          body.put("status", "OK");
          body.put("request_id", requestId());
          body.put("count", SimulatedMarket.knows(ticker) ? 1 : 0);
          return SimResponse.json(200, body);
        });
  }

  private Route snapshot(String ticker, boolean keyed) {
    return responder.respond(
        NAME,
        "ticker_snapshot",
        ticker,
        this,
        invalid -> {
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

  /**
   * {@code {"results":[…],"status":"OK",…}}; an unknown symbol gets an empty list, as Polygon does.
   */
  private Route listing(
      String endpoint,
      String symbol,
      boolean keyed,
      java.util.function.Function<String, ArrayNode> results) {
    String s = symbol.toUpperCase(Locale.ROOT);
    return responder.respond(
        NAME,
        endpoint,
        s,
        this,
        invalid -> {
          if (!keyed) return unauthorized();
          ObjectNode body = NODES.objectNode();
          ArrayNode list =
              SimulatedMarket.knows(s) && !s.isBlank() ? results.apply(s) : NODES.arrayNode();
          body.set("results", list);
          body.put("status", "OK");
          body.put("request_id", requestId());
          body.put("count", list.size());
          return SimResponse.json(200, body);
        });
  }

  private static ArrayNode options(String symbol) {
    SimulatedMarket.Numbers n = SimulatedMarket.quote(symbol);
    ArrayNode results = NODES.arrayNode();
    LocalDate expiry = LocalDate.of(2026, 12, 18);
    BigDecimal atm = n.price().setScale(0, RoundingMode.HALF_UP);
    for (int k = -2; k <= 2; k++) {
      BigDecimal strike = atm.add(BigDecimal.valueOf(5L * k));
      for (String type : List.of("call", "put")) {
        ObjectNode r = results.addObject();
        BigDecimal intrinsic =
            (type.equals("call") ? n.price().subtract(strike) : strike.subtract(n.price()))
                .max(BigDecimal.ZERO);
        BigDecimal premium = intrinsic.add(BigDecimal.valueOf(250 + 40L * Math.abs(k), 2));
        r.put(
            "break_even_price",
            type.equals("call") ? strike.add(premium) : strike.subtract(premium));
        ObjectNode day = r.putObject("day");
        day.put("change", BigDecimal.valueOf(12, 2));
        day.put("close", premium);
        day.put("high", premium.add(BigDecimal.valueOf(30, 2)));
        day.put("low", premium.subtract(BigDecimal.valueOf(20, 2)));
        day.put("open", premium.subtract(BigDecimal.valueOf(5, 2)));
        day.put("volume", 500 + SimulatedMarket.seed(symbol) % 5000 / (1 + Math.abs(k)));
        day.put("vwap", premium);
        ObjectNode details = r.putObject("details");
        details.put("contract_type", type);
        details.put("exercise_style", "american");
        details.put("expiration_date", expiry.toString());
        details.put("shares_per_contract", 100);
        details.put("strike_price", strike);
        details.put(
            "ticker",
            String.format(
                "O:%s%s%s%08d",
                symbol,
                expiry.format(java.time.format.DateTimeFormatter.ofPattern("yyMMdd")),
                type.equals("call") ? "C" : "P",
                strike.movePointRight(3).longValue()));
        ObjectNode greeks = r.putObject("greeks");
        greeks.put(
            "delta", BigDecimal.valueOf(type.equals("call") ? 50 - 10 * k : -50 - 10 * k, 2));
        greeks.put("gamma", BigDecimal.valueOf(31, 3));
        greeks.put("theta", BigDecimal.valueOf(-45, 3));
        greeks.put("vega", BigDecimal.valueOf(112, 3));
        r.put("implied_volatility", BigDecimal.valueOf(2400 + 150L * Math.abs(k), 4));
        ObjectNode trade = r.putObject("last_trade");
        trade.put("price", premium);
        trade.put("size", 3);
        trade.put("sip_timestamp", System.currentTimeMillis() * 1_000_000L);
        trade.put("exchange", 312);
        r.put("open_interest", 1000 + SimulatedMarket.seed(symbol) % 20_000 / (1 + Math.abs(k)));
        ObjectNode underlying = r.putObject("underlying_asset");
        underlying.put("ticker", symbol);
        underlying.put("price", n.price());
        underlying.put("timeframe", "DELAYED");
      }
    }
    return results;
  }

  private static ObjectNode amount(
      ObjectNode section, String name, String label, long value, String unit) {
    ObjectNode v = section.putObject(name);
    v.put("value", value);
    v.put("unit", unit);
    v.put("label", label);
    return v;
  }

  private static ArrayNode financials(String symbol, boolean quarterly) {
    ArrayNode results = NODES.arrayNode();
    for (int i = 0; i < 4; i++) {
      SimulatedMarket.Financials f = SimulatedMarket.financials(symbol, quarterly, i);
      ObjectNode r = results.addObject();
      r.put(
          "start_date",
          (quarterly ? f.periodEnd().minusMonths(3) : f.periodEnd().minusYears(1))
              .plusDays(1)
              .toString());
      r.put("end_date", f.periodEnd().toString());
      r.put("filing_date", f.periodEnd().plusDays(35).toString());
      r.put("cik", "0000320193");
      r.put("company_name", symbol + " Inc.");
      r.put("fiscal_period", f.fiscalPeriod());
      r.put("fiscal_year", Integer.toString(f.fiscalYear()));
      r.put(
          "source_filing_url",
          "https://api.polygon.io/v1/reference/sec/filings/0000320193-" + f.fiscalYear());
      ObjectNode fin = r.putObject("financials");
      ObjectNode income = fin.putObject("income_statement");
      amount(income, "revenues", "Revenues", f.revenue(), "USD");
      amount(income, "cost_of_revenue", "Cost Of Revenue", f.costOfRevenue(), "USD");
      amount(income, "gross_profit", "Gross Profit", f.revenue() - f.costOfRevenue(), "USD");
      amount(income, "operating_income_loss", "Operating Income/Loss", f.operatingIncome(), "USD");
      amount(income, "net_income_loss", "Net Income/Loss", f.netIncome(), "USD");
      income
          .putObject("basic_earnings_per_share")
          .put("value", f.eps())
          .put("unit", "USD / shares")
          .put("label", "Basic Earnings Per Share");
      income
          .putObject("diluted_earnings_per_share")
          .put("value", f.epsDiluted())
          .put("unit", "USD / shares")
          .put("label", "Diluted Earnings Per Share");
      ObjectNode balance = fin.putObject("balance_sheet");
      amount(balance, "assets", "Assets", f.totalAssets(), "USD");
      amount(balance, "liabilities", "Liabilities", f.totalLiabilities(), "USD");
      amount(balance, "equity", "Equity", f.totalAssets() - f.totalLiabilities(), "USD");
      ObjectNode cash = fin.putObject("cash_flow_statement");
      amount(
          cash,
          "net_cash_flow_from_operating_activities",
          "Net Cash Flow From Operating Activities",
          f.operatingCashFlow(),
          "USD");
      amount(
          cash,
          "net_cash_flow",
          "Net Cash Flow",
          f.operatingCashFlow() + f.capitalExpenditure(),
          "USD");
      fin.putObject("comprehensive_income");
      r.put("timeframe", quarterly ? "quarterly" : "annual");
      r.putArray("tickers").add(symbol);
    }
    return results;
  }

  private static ArrayNode earnings(String symbol) {
    ArrayNode results = NODES.arrayNode();
    for (int i = 0; i < 4; i++) {
      SimulatedMarket.Financials f = SimulatedMarket.financials(symbol, true, i);
      ObjectNode e = results.addObject();
      e.put("ticker", symbol);
      e.put("company_name", symbol + " Inc.");
      e.put("date", f.periodEnd().plusDays(30).toString());
      e.put("time", "16:30:00");
      e.put("fiscal_period", f.fiscalPeriod());
      e.put("fiscal_year", f.fiscalYear());
      e.put("actual_eps", f.eps());
      e.put("estimated_eps", f.eps().subtract(BigDecimal.valueOf(5, 2)));
      e.put("eps_surprise", BigDecimal.valueOf(5, 2));
      e.put("actual_revenue", f.revenue());
      e.put("estimated_revenue", f.revenue() - f.revenue() / 100);
      e.put("importance", 5);
      e.put("date_status", "confirmed");
      e.put("currency", "USD");
      e.put("last_updated", f.periodEnd().plusDays(31) + "T12:00:00Z");
      e.put("benzinga_id", Long.toHexString(SimulatedMarket.seed(symbol) + i));
    }
    return results;
  }

  private Route details(String ticker, boolean keyed) {
    return responder.respond(
        NAME,
        "ticker_details",
        ticker,
        this,
        invalid -> {
          if (!keyed) return unauthorized();
          if (!SimulatedMarket.knows(ticker))
            return error(404, "NOT_FOUND", "message", "Ticker not found.");
          long h = SimulatedMarket.seed(ticker);
          ObjectNode body = NODES.objectNode();
          body.put("request_id", requestId());
          ObjectNode r = body.putObject("results");
          r.put("ticker", ticker);
          r.put("name", ticker + " Inc.");
          r.put("market", "stocks");
          r.put("locale", "us");
          r.put("primary_exchange", "XNAS");
          r.put("type", "CS");
          r.put("active", true);
          r.put("currency_name", "usd");
          r.put("cik", "0000320193");
          r.put(
              "market_cap",
              SimulatedMarket.quote(ticker)
                  .price()
                  .multiply(BigDecimal.valueOf(1_000_000_000L * (1 + h % 15))));
          r.put("phone_number", "(555) 010-0000");
          ObjectNode address = r.putObject("address");
          address.put("address1", "One Market Street");
          address.put("city", "Cupertino");
          address.put("state", "CA");
          address.put("postal_code", "95014");
          r.put(
              "description",
              ticker + " Inc. designs, manufactures and markets products worldwide.");
          r.put("sic_code", "3571");
          r.put("sic_description", "ELECTRONIC COMPUTERS");
          r.put("ticker_root", ticker);
          r.put("homepage_url", "https://www." + ticker.toLowerCase(Locale.ROOT) + ".example");
          r.put("total_employees", 1000 + h % 200_000);
          r.put("list_date", "1980-12-12");
          r.put("share_class_shares_outstanding", 1_000_000_000L * (1 + h % 15));
          r.put("round_lot", 100);
          body.put("status", "OK");
          return SimResponse.json(200, body);
        });
  }

  private static ArrayNode search(String query) {
    ArrayNode results = NODES.arrayNode();
    String base = query.replace(' ', '-');
    for (String suffix : List.of("", ".WS")) {
      ObjectNode m = results.addObject();
      m.put("ticker", base + suffix);
      m.put(
          "name",
          base.charAt(0)
              + base.substring(1).toLowerCase(Locale.ROOT)
              + (suffix.isEmpty() ? " Inc." : " Inc. Warrants"));
      m.put("market", "stocks");
      m.put("locale", "us");
      m.put("primary_exchange", "XNAS");
      m.put("type", suffix.isEmpty() ? "CS" : "WARRANT");
      m.put("active", true);
      m.put("currency_name", "usd");
      m.put("last_updated_utc", "2026-11-21T00:00:00Z");
    }
    return results;
  }

  private static ArrayNode news(String symbol) {
    ArrayNode results = NODES.arrayNode();
    for (int i = 0; i < 3; i++) {
      ObjectNode a = results.addObject();
      a.put("id", Long.toHexString(SimulatedMarket.seed(symbol)) + i);
      ObjectNode publisher = a.putObject("publisher");
      publisher.put("name", "Market Ledger");
      publisher.put("homepage_url", "https://ledger.example/");
      a.put("title", symbol + " analysts weigh in, part " + i);
      a.put("author", "Staff");
      a.put("published_utc", "2026-11-2" + (1 - Math.min(i, 1)) + "T1" + i + ":15:00Z");
      a.put(
          "article_url",
          i == 0
              ? SimulatedMarket.syndicatedStoryUrl(symbol)
              : "https://ledger.example/" + symbol.toLowerCase(Locale.ROOT) + "/analysis-" + i);
      a.putArray("tickers").add(symbol);
      a.put("image_url", "https://ledger.example/img/" + i + ".png");
      a.put("description", "Analysts on " + symbol + ", part " + i + ".");
      a.putArray("keywords").add("earnings").add("analysts");
    }
    return results;
  }

  private static boolean validKey(Optional<String> auth, Map<String, String> params) {
    String key =
        auth.filter(a -> a.startsWith("Bearer "))
            .map(a -> a.substring(7))
            .orElse(params.getOrDefault("apiKey", ""));
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
    return error(
        429,
        "ERROR",
        "error",
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

  @Override
  public SimResponse notEntitled() {
    return error(
        403,
        "NOT_AUTHORIZED",
        "message",
        "You are not entitled to this data. Please upgrade your plan at https://polygon.io/pricing");
  }
}
