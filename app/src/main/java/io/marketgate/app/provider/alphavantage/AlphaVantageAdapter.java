package io.marketgate.app.provider.alphavantage;

import static io.marketgate.app.provider.AdapterSupport.encode;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.provider.AdapterResult;
import io.marketgate.app.provider.AdapterSupport;
import io.marketgate.app.provider.JsonFields;
import io.marketgate.app.provider.ProviderAdapter;
import io.marketgate.app.provider.ProviderRequest;
import io.marketgate.app.provider.QuoteValidator;
import io.marketgate.app.provider.StatusClassifier;
import io.marketgate.app.provider.Validation;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.data.CompanyProfile;
import io.marketgate.protocol.data.FinancialStatement;
import io.marketgate.protocol.data.Quote;
import io.marketgate.protocol.data.SymbolSearch;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Alpha Vantage: one path, {@code /query?function=…&symbol=…&apikey=…}. Quotes from {@code
 * GLOBAL_QUOTE} or, with {@code quote-endpoint = daily}, from the latest {@code TIME_SERIES_DAILY}
 * bar (delayed); {@code OVERVIEW} for company profiles; {@code INCOME_STATEMENT}, {@code
 * BALANCE_SHEET} and {@code CASH_FLOW} for fundamentals; {@code SYMBOL_SEARCH} for search. Every
 * answer is HTTP 200, errors included, so they are told apart by the body: {@code "Error Message"},
 * a {@code "Note"} (per-minute limit) or an {@code "Information"} (daily limit, burst, demo key,
 * premium endpoint), and {@code {}} or an empty {@code "Global Quote"} for a symbol it does not
 * know. Numbers come as strings, missing ones as {@code "None"}.
 */
public final class AlphaVantageAdapter implements ProviderAdapter {
  private static final int STATEMENT_LIMIT = 8;
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final LocalTime MARKET_CLOSE = LocalTime.of(16, 0);
  private static final Duration PER_MINUTE_WINDOW = Duration.ofMinutes(1);

  /** A burst refusal asks for one request per second: the key may go again after that. */
  private static final Duration BURST_PAUSE = Duration.ofSeconds(1);

  private static final Pattern DAILY_LIMIT = Pattern.compile("rate limit is \\d+ requests per day");
  private static final Map<String, String> ISO2_BY_ISO3 = iso2ByIso3();

  /** Which function answers quotes. */
  public enum QuoteEndpoint {
    GLOBAL_QUOTE,
    DAILY
  }

  private final QuoteEndpoint quoteEndpoint;
  private final Clock clock;

  /**
   * @param clock tells when the daily limit resets (the next UTC midnight)
   */
  public AlphaVantageAdapter(QuoteEndpoint quoteEndpoint, Clock clock) {
    this.quoteEndpoint = quoteEndpoint;
    this.clock = clock;
  }

  public static QuoteEndpoint parseQuoteEndpoint(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "global_quote" -> QuoteEndpoint.GLOBAL_QUOTE;
      case "daily" -> QuoteEndpoint.DAILY;
      default ->
          throw new IllegalArgumentException(
              "ALPHA_VANTAGE_QUOTE_ENDPOINT must be global_quote or daily, not " + value);
    };
  }

  @Override
  public Set<Dataset> datasets() {
    return Set.of(Dataset.QUOTE, Dataset.FUNDAMENTALS, Dataset.COMPANY, Dataset.SEARCH);
  }

  @Override
  public ProviderRequest request(FetchKey key, String apiKey) {
    String s = encode(key.symbol());
    return switch (key.dataset()) {
      case QUOTE ->
          quoteEndpoint == QuoteEndpoint.GLOBAL_QUOTE
              ? query("GLOBAL_QUOTE", "symbol=" + s, apiKey)
              // compact (the last 100 bars) is enough for the latest two and is what free keys get.
              : query("TIME_SERIES_DAILY", "symbol=" + s + "&outputsize=compact", apiKey);
      case COMPANY -> query("OVERVIEW", "symbol=" + s, apiKey);
      case FUNDAMENTALS -> query(statementFunction(key), "symbol=" + s, apiKey);
      case SEARCH -> query("SYMBOL_SEARCH", "keywords=" + s, apiKey);
      default ->
          throw new IllegalArgumentException("Alpha Vantage does not serve " + key.dataset());
    };
  }

  /** The endpoint label is the function's name, lower case: the key is only in the query. */
  private static ProviderRequest query(String function, String params, String apiKey) {
    return new ProviderRequest(
        "/query?function=" + function + "&" + params + "&apikey=" + encode(apiKey),
        Map.of(),
        function.toLowerCase(Locale.ROOT));
  }

  private static String statementFunction(FetchKey key) {
    return switch (key.param("statement", "income")) {
      case "balance" -> "BALANCE_SHEET";
      case "cash_flow" -> "CASH_FLOW";
      default -> "INCOME_STATEMENT";
    };
  }

  /** Without the request, the key sent is not known and nothing is cut out of messages. */
  @Override
  public AdapterResult parse(FetchKey key, int status, byte[] body) {
    return parse(key, status, body, "");
  }

  /** Alpha Vantage may quote the key back ("We have detected your API key as …"): it is cut out. */
  @Override
  public AdapterResult parse(FetchKey key, ProviderRequest request, int status, byte[] body) {
    return parse(key, status, body, apiKeyOf(request));
  }

  private AdapterResult parse(FetchKey key, int status, byte[] body, String apiKey) {
    return AdapterSupport.parseJson(
        status,
        body,
        (s, json) -> errorOf(key, s, json, apiKey),
        json ->
            switch (key.dataset()) {
              case QUOTE ->
                  quoteEndpoint == QuoteEndpoint.GLOBAL_QUOTE
                      ? globalQuote(json, key.symbol())
                      : dailyQuote(json, key.symbol());
              case COMPANY -> company(json, key.symbol());
              case FUNDAMENTALS -> statement(json, key);
              case SEARCH -> search(json, key.symbol());
              default ->
                  AdapterResult.failure(
                      ProviderErrorCode.NOT_FOUND, "Alpha Vantage does not serve " + key.dataset());
            });
  }

  private static String apiKeyOf(ProviderRequest request) {
    String q = request.pathAndQuery();
    int at = q.indexOf("&apikey=");
    if (at < 0) return "";
    int end = q.indexOf('&', at + 1);
    return URLDecoder.decode(
        q.substring(at + "&apikey=".length(), end < 0 ? q.length() : end), StandardCharsets.UTF_8);
  }

  private static AdapterResult notFound(String what, String symbol) {
    return AdapterResult.failure(
        ProviderErrorCode.NOT_FOUND, "Alpha Vantage has no " + what + " for " + symbol);
  }

  private AdapterResult globalQuote(JsonNode json, String symbol) {
    JsonNode q = json.get("Global Quote");
    if (q == null || !q.isObject()) {
      if (json.isObject() && json.isEmpty()) return notFound("quote", symbol);
      return AdapterResult.failure(
          ProviderErrorCode.INVALID_RESPONSE, "answer without \"Global Quote\"");
    }
    if (q.isEmpty()) return notFound("quote", symbol);
    Quote quote =
        new Quote(
            JsonFields.text(q, "01. symbol"),
            JsonFields.decimal(q, "05. price"),
            JsonFields.decimal(q, "09. change"),
            JsonFields.decimal(q, "10. change percent"),
            JsonFields.decimal(q, "02. open"),
            JsonFields.decimal(q, "03. high"),
            JsonFields.decimal(q, "04. low"),
            JsonFields.decimal(q, "08. previous close"),
            JsonFields.wholeNumber(q, "06. volume"),
            null,
            closeOf(JsonFields.date(q, "07. latest trading day")),
            false);
    return AdapterSupport.validated(quote, QuoteValidator.violation(quote, symbol));
  }

  /** The latest bar as the quote, its change against the bar before. */
  private AdapterResult dailyQuote(JsonNode json, String symbol) {
    JsonNode series = json.get("Time Series (Daily)");
    if (series == null || !series.isObject()) {
      if (json.isObject() && json.isEmpty()) return notFound("daily prices", symbol);
      return AdapterResult.failure(
          ProviderErrorCode.INVALID_RESPONSE, "answer without \"Time Series (Daily)\"");
    }
    List<LocalDate> days = new ArrayList<>();
    for (Iterator<String> it = series.fieldNames(); it.hasNext(); )
      days.add(LocalDate.parse(it.next()));
    if (days.isEmpty()) return notFound("daily prices", symbol);
    days.sort(Comparator.reverseOrder());
    JsonNode bar = series.get(days.get(0).toString());
    BigDecimal close = JsonFields.decimal(bar, "4. close");
    BigDecimal previousClose =
        days.size() > 1 ? JsonFields.decimal(series.get(days.get(1).toString()), "4. close") : null;
    BigDecimal change =
        close != null && previousClose != null ? close.subtract(previousClose) : null;
    BigDecimal percent =
        change != null && previousClose.signum() != 0
            ? change
                .multiply(BigDecimal.valueOf(100))
                .divide(previousClose, 4, RoundingMode.HALF_UP)
            : null;
    Quote quote =
        new Quote(
            JsonFields.text(json.path("Meta Data"), "2. Symbol"),
            close,
            change,
            percent,
            JsonFields.decimal(bar, "1. open"),
            JsonFields.decimal(bar, "2. high"),
            JsonFields.decimal(bar, "3. low"),
            previousClose,
            JsonFields.wholeNumber(bar, "5. volume"),
            null,
            closeOf(days.get(0)),
            true);
    return AdapterSupport.validated(quote, QuoteValidator.violation(quote, symbol));
  }

  /**
   * Alpha Vantage dates its prices by trading day only: the day's US close, or now while it trades.
   */
  private Instant closeOf(LocalDate day) {
    if (day == null) return null;
    Instant close = day.atTime(MARKET_CLOSE).atZone(NEW_YORK).toInstant();
    Instant now = clock.instant();
    return close.isAfter(now) ? now : close;
  }

  private static AdapterResult company(JsonNode o, String symbol) {
    if (o.isObject() && o.isEmpty()) return notFound("overview", symbol);
    CompanyProfile profile =
        new CompanyProfile(
            JsonFields.text(o, "Symbol"),
            JsonFields.text(o, "Name"),
            JsonFields.text(o, "Exchange"),
            JsonFields.text(o, "Sector"),
            JsonFields.text(o, "Industry"),
            iso2(JsonFields.text(o, "Country")),
            JsonFields.text(o, "Currency"),
            JsonFields.text(o, "OfficialSite"),
            JsonFields.text(o, "Description"),
            null,
            JsonFields.decimal(o, "MarketCapitalization"),
            null);
    return AdapterSupport.validated(profile, Validation.company(profile, symbol));
  }

  /** Countries as the other providers give them ({@code US}); Alpha Vantage writes {@code USA}. */
  private static String iso2(String country) {
    return country == null
        ? null
        : ISO2_BY_ISO3.getOrDefault(country.toUpperCase(Locale.ROOT), country);
  }

  private static Map<String, String> iso2ByIso3() {
    Map<String, String> map = new HashMap<>();
    for (String iso2 : Locale.getISOCountries())
      map.put(new Locale("", iso2).getISO3Country(), iso2);
    return Map.copyOf(map);
  }

  private static AdapterResult statement(JsonNode json, FetchKey key) {
    if (json.isObject() && json.isEmpty()) return notFound("statements", key.symbol());
    String answered = JsonFields.text(json, "symbol");
    if (answered == null || !answered.equalsIgnoreCase(key.symbol())) {
      return AdapterResult.failure(
          ProviderErrorCode.INVALID_RESPONSE,
          "answered symbol " + answered + " for " + key.symbol());
    }
    String period = key.param("period", "annual");
    boolean quarterly = "quarterly".equals(period);
    JsonNode array = json.get(quarterly ? "quarterlyReports" : "annualReports");
    if (array == null || !array.isArray()) {
      return AdapterResult.failure(
          ProviderErrorCode.INVALID_RESPONSE,
          "answer without " + (quarterly ? "quarterlyReports" : "annualReports"));
    }
    if (array.isEmpty()) return notFound(period + " statements", key.symbol());
    String statement = key.param("statement", "income");
    // Annual reports are fiscal years; which fiscal quarter a quarterly report is, Alpha Vantage
    // does not say.
    String fiscalPeriod = quarterly ? null : "FY";
    List<FinancialStatement.Report> reports = new ArrayList<>();
    String currency = null;
    for (JsonNode r : array) {
      LocalDate date = JsonFields.date(r, "fiscalDateEnding");
      if (date == null)
        return AdapterResult.failure(
            ProviderErrorCode.INVALID_RESPONSE, "report without a fiscalDateEnding");
      if (currency == null) currency = JsonFields.text(r, "reportedCurrency");
      reports.add(
          switch (statement) {
            case "balance" ->
                new FinancialStatement.Balance(
                    date,
                    fiscalPeriod,
                    JsonFields.decimal(r, "totalAssets"),
                    JsonFields.decimal(r, "totalLiabilities"),
                    JsonFields.decimal(r, "totalShareholderEquity"));
            case "cash_flow" -> cashFlow(r, date, fiscalPeriod);
            // The income statement carries no per-share figures (those are in EARNINGS).
            default ->
                new FinancialStatement.Income(
                    date,
                    fiscalPeriod,
                    JsonFields.decimal(r, "totalRevenue"),
                    JsonFields.decimal(r, "costOfRevenue"),
                    JsonFields.decimal(r, "grossProfit"),
                    JsonFields.decimal(r, "operatingIncome"),
                    JsonFields.decimal(r, "netIncome"),
                    null,
                    null);
          });
    }
    reports.sort(Comparator.comparing(FinancialStatement.Report::fiscalDateEnding).reversed());
    return new AdapterResult.Success(
        new FinancialStatement(
            key.symbol(),
            statement,
            period,
            currency,
            List.copyOf(reports.subList(0, Math.min(STATEMENT_LIMIT, reports.size())))));
  }

  /**
   * Alpha Vantage gives capital expenditures as the (positive) amount spent; normalised, they are
   * an outflow (negative) as the other providers give them, and free cash flow is operating cash
   * flow less them.
   */
  private static FinancialStatement.CashFlow cashFlow(
      JsonNode r, LocalDate date, String fiscalPeriod) {
    BigDecimal operating = JsonFields.decimal(r, "operatingCashflow");
    BigDecimal spent = JsonFields.decimal(r, "capitalExpenditures");
    BigDecimal capex = spent == null ? null : spent.abs().negate();
    BigDecimal free = operating == null || capex == null ? null : operating.add(capex);
    return new FinancialStatement.CashFlow(date, fiscalPeriod, operating, capex, free);
  }

  private static AdapterResult search(JsonNode json, String query) {
    JsonNode best = json.get("bestMatches");
    if (best == null || !best.isArray())
      return AdapterResult.failure(
          ProviderErrorCode.INVALID_RESPONSE, "answer without bestMatches");
    List<SymbolSearch.Match> matches = new ArrayList<>();
    for (JsonNode m : best) {
      String symbol = JsonFields.text(m, "1. symbol");
      if (symbol == null)
        return AdapterResult.failure(ProviderErrorCode.INVALID_RESPONSE, "match without a symbol");
      // "4. region" names a country, not an exchange, so the exchange stays unknown.
      matches.add(
          new SymbolSearch.Match(
              symbol,
              JsonFields.text(m, "2. name"),
              null,
              JsonFields.text(m, "3. type"),
              JsonFields.text(m, "8. currency")));
    }
    return new AdapterResult.Success(new SymbolSearch(query, matches));
  }

  /** Alpha Vantage's error answers, all HTTP 200, told apart by their text. */
  private Optional<AdapterResult> errorOf(FetchKey key, int status, JsonNode json, String apiKey) {
    if (!json.isObject()) {
      return Optional.of(
          StatusClassifier.classify(status)
              .map(code -> AdapterResult.failure(code, "HTTP " + status))
              .orElse(
                  AdapterResult.failure(
                      ProviderErrorCode.INVALID_RESPONSE, "expected a JSON object")));
    }
    String error = JsonFields.text(json, "Error Message");
    String note = JsonFields.text(json, "Note");
    String information = JsonFields.text(json, "Information");
    if (error == null && note == null && information == null) {
      return StatusClassifier.classify(status)
          .map(code -> AdapterResult.failure(code, "HTTP " + status));
    }
    String raw = error != null ? error : note != null ? note : information;
    String message = AdapterSupport.truncate(apiKey.isEmpty() ? raw : raw.replace(apiKey, "****"));
    String lower = raw.toLowerCase(Locale.ROOT);
    if (lower.contains("apikey is invalid or missing")
        || lower.contains("demo** api key")
        || lower.contains("demo api key")) {
      return Optional.of(AdapterResult.failure(ProviderErrorCode.UNAUTHORIZED, message));
    }
    if (lower.contains("premium endpoint"))
      return Optional.of(AdapterResult.failure(ProviderErrorCode.NOT_ENTITLED, message));
    // The burst message also names the daily limit ("… rate limit (25 requests per day)"): it comes
    // first.
    if (lower.contains("1 request per second") || lower.contains("burst pattern")) {
      return Optional.of(AdapterResult.rateLimited(message, BURST_PAUSE));
    }
    if (DAILY_LIMIT.matcher(lower).find())
      return Optional.of(AdapterResult.rateLimited(message, untilNextUtcMidnight()));
    if (note != null || lower.contains("call frequency"))
      return Optional.of(AdapterResult.rateLimited(message, PER_MINUTE_WINDOW));
    // "Invalid API call" to a well-formed request refuses its symbol; a search has no symbol to
    // refuse.
    if (error != null && lower.startsWith("invalid api call") && key.dataset() != Dataset.SEARCH) {
      return Optional.of(AdapterResult.failure(ProviderErrorCode.NOT_FOUND, message));
    }
    return Optional.of(AdapterResult.failure(ProviderErrorCode.INVALID_RESPONSE, message));
  }

  private Duration untilNextUtcMidnight() {
    Instant now = clock.instant();
    Instant midnight =
        LocalDate.ofInstant(now, ZoneOffset.UTC)
            .plusDays(1)
            .atStartOfDay(ZoneOffset.UTC)
            .toInstant();
    return Duration.between(now, midnight);
  }
}
