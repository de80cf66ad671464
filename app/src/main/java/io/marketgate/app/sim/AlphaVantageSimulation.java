package io.marketgate.app.sim;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Alpha Vantage in its real format under {@code /alphavantage/query?function=…&apikey=…}: {@code
 * GLOBAL_QUOTE}, {@code TIME_SERIES_DAILY} (100 weekday bars, the latest two being the quote's day
 * and the day before), {@code OVERVIEW}, {@code INCOME_STATEMENT}, {@code BALANCE_SHEET}, {@code
 * CASH_FLOW} and {@code SYMBOL_SEARCH}. Numbers are strings, some {@code "None"}; every answer is
 * HTTP 200, errors and limits included. An unknown symbol gets what Alpha Vantage sends: an empty
 * {@code "Global Quote"}, {@code {}}, or "Invalid API call" for daily prices.
 */
final class AlphaVantageSimulation {
  static final String NAME = "alphavantage";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final int DAILY_BARS = 100;
  private static final int ANNUAL_REPORTS = 10;
  private static final int QUARTERLY_REPORTS = 16;

  private final Responder responder;

  AlphaVantageSimulation(Responder responder) {
    this.responder = responder;
  }

  Route route() {
    return pathPrefix(NAME, () -> path("query", () -> parameterMap(this::query)));
  }

  private Route query(Map<String, String> params) {
    String function = params.getOrDefault("function", "").toUpperCase(Locale.ROOT);
    String symbol =
        params
            .getOrDefault(function.equals("SYMBOL_SEARCH") ? "keywords" : "symbol", "")
            .trim()
            .toUpperCase(Locale.ROOT);
    Answers format = new Answers(function);
    return responder.respond(
        NAME,
        function.toLowerCase(Locale.ROOT),
        symbol,
        format,
        invalid -> {
          String key = params.getOrDefault("apikey", "");
          if (key.isEmpty() || key.startsWith("invalid")) return format.unauthorized();
          if (symbol.isEmpty()) return format.errorWithStatus200();
          return switch (function) {
            case "GLOBAL_QUOTE" -> SimResponse.json(200, globalQuote(symbol, invalid));
            case "TIME_SERIES_DAILY" ->
                SimulatedMarket.knows(symbol)
                    ? SimResponse.json(200, daily(symbol, invalid))
                    : format.errorWithStatus200();
            case "OVERVIEW" ->
                SimResponse.json(
                    200, SimulatedMarket.knows(symbol) ? overview(symbol) : NODES.objectNode());
            case "INCOME_STATEMENT", "BALANCE_SHEET", "CASH_FLOW" ->
                SimResponse.json(
                    200,
                    SimulatedMarket.knows(symbol)
                        ? statements(symbol, function)
                        : NODES.objectNode());
            case "SYMBOL_SEARCH" -> SimResponse.json(200, search(symbol));
            default -> error("This API function (" + function + ") does not exist.");
          };
        });
  }

  /** The latest weekday in New York, as Alpha Vantage dates its latest prices. */
  private static LocalDate latestTradingDay() {
    LocalDate day = LocalDate.now(NEW_YORK);
    while (day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY)
      day = day.minusDays(1);
    return day;
  }

  /** Prices as Alpha Vantage writes them: strings with four decimals. */
  private static String price(BigDecimal value) {
    return value.setScale(4, RoundingMode.HALF_UP).toPlainString();
  }

  private static ObjectNode globalQuote(String symbol, boolean invalid) {
    ObjectNode body = NODES.objectNode();
    ObjectNode q = body.putObject("Global Quote");
    if (!SimulatedMarket.knows(symbol)) return body;
    SimulatedMarket.Numbers n = SimulatedMarket.quote(symbol);
    q.put("01. symbol", symbol);
    q.put("02. open", price(n.open()));
    q.put("03. high", price(n.dayHigh()));
    q.put("04. low", price(n.dayLow()));
    q.put("05. price", price(invalid ? BigDecimal.ZERO : n.price()));
    q.put("06. volume", Long.toString(n.volume()));
    q.put("07. latest trading day", latestTradingDay().toString());
    q.put("08. previous close", price(n.previousClose()));
    q.put("09. change", price(n.change()));
    q.put(
        "10. change percent",
        n.changePercent().setScale(4, RoundingMode.HALF_UP).toPlainString() + "%");
    return body;
  }

  /** The latest bar is the simulated quote's day, the bar before closes at its previous close. */
  private static ObjectNode daily(String symbol, boolean invalid) {
    SimulatedMarket.Numbers n = SimulatedMarket.quote(symbol);
    long h = SimulatedMarket.seed(symbol);
    LocalDate day = latestTradingDay();
    ObjectNode body = NODES.objectNode();
    ObjectNode meta = body.putObject("Meta Data");
    meta.put("1. Information", "Daily Prices (open, high, low, close) and Volumes");
    meta.put("2. Symbol", symbol);
    meta.put("3. Last Refreshed", day.toString());
    meta.put("4. Output Size", "Compact");
    meta.put("5. Time Zone", "US/Eastern");
    ObjectNode series = body.putObject("Time Series (Daily)");
    for (int i = 0; i < DAILY_BARS; i++) {
      ObjectNode bar = series.putObject(day.toString());
      if (i == 0) {
        bar.put("1. open", price(n.open()));
        bar.put("2. high", price(n.dayHigh()));
        bar.put("3. low", price(n.dayLow()));
        bar.put("4. close", price(invalid ? BigDecimal.ZERO : n.price()));
        bar.put("5. volume", Long.toString(n.volume()));
      } else {
        BigDecimal close =
            i == 1
                ? n.previousClose()
                : n.previousClose().add(BigDecimal.valueOf((h >> (i % 24)) % 200 - 100, 2));
        BigDecimal open = close.add(BigDecimal.valueOf((h >> (i % 16)) % 100 - 50, 2));
        bar.put("1. open", price(open));
        bar.put("2. high", price(open.max(close).add(BigDecimal.valueOf(75, 2))));
        bar.put("3. low", price(open.min(close).subtract(BigDecimal.valueOf(75, 2))));
        bar.put("4. close", price(close));
        bar.put("5. volume", Long.toString(n.volume() + i * 1000L));
      }
      day = day.minusDays(day.getDayOfWeek() == DayOfWeek.MONDAY ? 3 : 1);
    }
    return body;
  }

  private static ObjectNode overview(String symbol) {
    SimulatedMarket.Numbers n = SimulatedMarket.quote(symbol);
    long h = SimulatedMarket.seed(symbol);
    ObjectNode o = NODES.objectNode();
    o.put("Symbol", symbol);
    o.put("AssetType", "Common Stock");
    o.put("Name", symbol + " Inc.");
    o.put("Description", symbol + " Inc. designs, manufactures and markets products worldwide.");
    o.put("CIK", Long.toString(10_000 + h % 1_000_000));
    o.put("Exchange", h % 2 == 0 ? "NASDAQ" : "NYSE");
    o.put("Currency", "USD");
    o.put("Country", "USA");
    o.put(
        "Sector", List.of("TECHNOLOGY", "TECHNOLOGY", "TECHNOLOGY", "FINANCE").get((int) (h % 4)));
    o.put(
        "Industry",
        List.of(
                "ELECTRONIC COMPUTERS",
                "SERVICES-PREPACKAGED SOFTWARE",
                "SEMICONDUCTORS & RELATED DEVICES",
                "NATIONAL COMMERCIAL BANKS")
            .get((int) (h % 4)));
    o.put("Address", "1 SIMULATED WAY, ANYTOWN, CA, UNITED STATES, 00000");
    o.put("OfficialSite", "https://www." + symbol.toLowerCase(Locale.ROOT) + ".example");
    o.put("FiscalYearEnd", "December");
    o.put("LatestQuarter", SimulatedMarket.financials(symbol, true, 0).periodEnd().toString());
    o.put(
        "MarketCapitalization",
        Long.toString(
            n.price().multiply(BigDecimal.valueOf(1_000_000_000L * (1 + h % 15))).longValue()));
    o.put("EBITDA", Long.toString(SimulatedMarket.financials(symbol, false, 0).operatingIncome()));
    o.put("PERatio", "31.2");
    o.put("PEGRatio", "None");
    o.put("BookValue", "4.99");
    o.put("DividendPerShare", "0.96");
    o.put("EPS", SimulatedMarket.financials(symbol, false, 0).eps().toPlainString());
    o.put("Beta", "1.2");
    o.put("52WeekHigh", price(n.dayHigh().multiply(BigDecimal.valueOf(13, 1))));
    o.put("52WeekLow", price(n.dayLow().multiply(BigDecimal.valueOf(7, 1))));
    o.put("SharesOutstanding", Long.toString(1_000_000_000L * (1 + h % 15)));
    o.put("DividendDate", "None");
    o.put("ExDividendDate", "None");
    return o;
  }

  private static ObjectNode statements(String symbol, String function) {
    ObjectNode body = NODES.objectNode();
    body.put("symbol", symbol);
    ArrayNode annual = body.putArray("annualReports");
    for (int i = 0; i < ANNUAL_REPORTS; i++)
      annual.add(report(SimulatedMarket.financials(symbol, false, i), function));
    ArrayNode quarterly = body.putArray("quarterlyReports");
    for (int i = 0; i < QUARTERLY_REPORTS; i++)
      quarterly.add(report(SimulatedMarket.financials(symbol, true, i), function));
    return body;
  }

  private static ObjectNode report(SimulatedMarket.Financials f, String function) {
    ObjectNode r = NODES.objectNode();
    r.put("fiscalDateEnding", f.periodEnd().toString());
    r.put("reportedCurrency", "USD");
    switch (function) {
      case "BALANCE_SHEET" -> {
        r.put("totalAssets", Long.toString(f.totalAssets()));
        r.put("totalCurrentAssets", Long.toString(f.totalAssets() / 3));
        r.put("intangibleAssets", "None");
        r.put("totalLiabilities", Long.toString(f.totalLiabilities()));
        r.put("totalCurrentLiabilities", Long.toString(f.totalLiabilities() / 2));
        r.put("totalShareholderEquity", Long.toString(f.totalAssets() - f.totalLiabilities()));
        r.put("treasuryStock", "None");
      }
      case "CASH_FLOW" -> {
        r.put("operatingCashflow", Long.toString(f.operatingCashFlow()));
        r.put("paymentsForOperatingActivities", "None");
        // Alpha Vantage gives capital expenditures as the amount spent, a positive number.
        r.put("capitalExpenditures", Long.toString(-f.capitalExpenditure()));
        r.put("changeInInventory", "None");
        r.put("netIncome", Long.toString(f.netIncome()));
      }
      default -> {
        r.put("grossProfit", Long.toString(f.revenue() - f.costOfRevenue()));
        r.put("totalRevenue", Long.toString(f.revenue()));
        r.put("costOfRevenue", Long.toString(f.costOfRevenue()));
        r.put("costofGoodsAndServicesSold", Long.toString(f.costOfRevenue()));
        r.put("operatingIncome", Long.toString(f.operatingIncome()));
        r.put("investmentIncomeNet", "None");
        r.put("netInterestIncome", "None");
        r.put("incomeBeforeTax", Long.toString(f.netIncome() * 125 / 100));
        r.put("incomeTaxExpense", Long.toString(f.netIncome() / 4));
        r.put("netIncome", Long.toString(f.netIncome()));
      }
    }
    return r;
  }

  private static ObjectNode search(String keywords) {
    ObjectNode body = NODES.objectNode();
    ArrayNode matches = body.putArray("bestMatches");
    if (!SimulatedMarket.knows(keywords)) return body;
    String base = keywords.replace(' ', '-');
    String name = keywords.charAt(0) + keywords.substring(1).toLowerCase(Locale.ROOT);
    for (String suffix : List.of("", ".LON", ".DEX")) {
      ObjectNode m = matches.addObject();
      boolean us = suffix.isEmpty();
      m.put("1. symbol", base + suffix);
      m.put("2. name", name + (us ? " Inc." : " Holdings"));
      m.put("3. type", "Equity");
      m.put("4. region", us ? "United States" : suffix.equals(".LON") ? "United Kingdom" : "XETRA");
      m.put("5. marketOpen", us ? "09:30" : "08:00");
      m.put("6. marketClose", us ? "16:00" : suffix.equals(".LON") ? "16:30" : "20:00");
      m.put("7. timezone", us ? "UTC-04" : suffix.equals(".LON") ? "UTC+01" : "UTC+02");
      m.put("8. currency", us ? "USD" : suffix.equals(".LON") ? "GBX" : "EUR");
      m.put("9. matchScore", us ? "1.0000" : suffix.equals(".LON") ? "0.8000" : "0.6667");
    }
    return body;
  }

  private static SimResponse error(String message) {
    return message("Error Message", message);
  }

  private static SimResponse message(String field, String message) {
    ObjectNode body = NODES.objectNode();
    body.put(field, message);
    return SimResponse.json(200, body);
  }

  /**
   * Alpha Vantage's own answers to faults, all HTTP 200; an invalid call names the function asked
   * for.
   */
  private record Answers(String function) implements ProviderFormat {
    @Override
    public SimResponse rateLimited() {
      return message(
          "Note",
          "Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day. "
              + "Please visit https://www.alphavantage.co/premium/ if you would like to target a higher API call frequency.");
    }

    @Override
    public SimResponse dailyLimited() {
      return message(
          "Information",
          "Thank you for using Alpha Vantage! Our standard API rate limit is 25 requests per day. "
              + "Please subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly remove all daily rate limits.");
    }

    @Override
    public SimResponse errorWithStatus200() {
      return error(
          "Invalid API call. Please retry or visit the documentation (https://www.alphavantage.co/documentation/) for "
              + function
              + ".");
    }

    @Override
    public SimResponse unauthorized() {
      return error(
          "the parameter apikey is invalid or missing. Please claim your free API key on (https://www.alphavantage.co/support/#api-key). "
              + "It should take less than 20 seconds.");
    }

    @Override
    public SimResponse notEntitled() {
      return message(
          "Information",
          "Thank you for using Alpha Vantage! This is a premium endpoint. You may subscribe to any of the premium "
              + "plans at https://www.alphavantage.co/premium/ to instantly unlock all premium endpoints");
    }
  }
}
