package io.marketgate.app.provider.polygon;

import static io.marketgate.app.provider.AdapterSupport.encode;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.provider.AdapterResult;
import io.marketgate.app.provider.AdapterSupport;
import io.marketgate.app.provider.JsonFields;
import io.marketgate.app.provider.ProviderAdapter;
import io.marketgate.app.provider.ProviderRequest;
import io.marketgate.app.provider.QuoteValidator;
import io.marketgate.app.provider.SchemaViolation;
import io.marketgate.app.provider.StatusClassifier;
import io.marketgate.app.provider.Validation;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.data.CompanyProfile;
import io.marketgate.protocol.data.Earnings;
import io.marketgate.protocol.data.FinancialStatement;
import io.marketgate.protocol.data.News;
import io.marketgate.protocol.data.OptionsFlow;
import io.marketgate.protocol.data.Quote;
import io.marketgate.protocol.data.SymbolSearch;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Polygon.io (also reachable as massive.com: the base URL is configurable). Quotes from the
 * previous-day aggregate (every plan; then marked delayed) or the ticker snapshot; the options
 * chain snapshot for options flow; the financials for fundamentals; Benzinga earnings; ticker
 * details; ticker search; news. The key travels in the {@code Authorization: Bearer} header, never
 * in the URL. Errors are {@code {"status":"ERROR","error":…}}, {@code
 * {"status":"NOT_AUTHORIZED","message":…}} (a plan refusal) or {@code {"status":"NotFound",…}}.
 */
public final class PolygonAdapter implements ProviderAdapter {
  private static final int LIST_LIMIT = 20;
  private static final int OPTIONS_LIMIT = 250;

  /** Which endpoint answers quotes. */
  public enum QuoteEndpoint {
    PREV,
    SNAPSHOT
  }

  private final QuoteEndpoint quoteEndpoint;

  public PolygonAdapter(QuoteEndpoint quoteEndpoint) {
    this.quoteEndpoint = quoteEndpoint;
  }

  public static QuoteEndpoint parseQuoteEndpoint(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "prev" -> QuoteEndpoint.PREV;
      case "snapshot" -> QuoteEndpoint.SNAPSHOT;
      default ->
          throw new IllegalArgumentException(
              "POLYGON_QUOTE_ENDPOINT must be prev or snapshot, not " + value);
    };
  }

  @Override
  public Set<Dataset> datasets() {
    return Set.of(
        Dataset.QUOTE,
        Dataset.OPTIONS_FLOW,
        Dataset.FUNDAMENTALS,
        Dataset.EARNINGS,
        Dataset.COMPANY,
        Dataset.SEARCH,
        Dataset.NEWS);
  }

  @Override
  public ProviderRequest request(FetchKey key, String apiKey) {
    String t = encode(key.symbol());
    Map<String, String> auth =
        apiKey.isEmpty() ? Map.of() : Map.of("Authorization", "Bearer " + apiKey);
    return switch (key.dataset()) {
      case QUOTE ->
          quoteEndpoint == QuoteEndpoint.PREV
              ? new ProviderRequest(
                  "/v2/aggs/ticker/" + t + "/prev?adjusted=true", auth, "aggs_prev")
              : new ProviderRequest(
                  "/v2/snapshot/locale/us/markets/stocks/tickers/" + t, auth, "ticker_snapshot");
      case OPTIONS_FLOW ->
          new ProviderRequest(
              "/v3/snapshot/options/" + t + "?limit=" + OPTIONS_LIMIT, auth, "options_snapshot");
      case FUNDAMENTALS ->
          new ProviderRequest(
              "/vX/reference/financials?ticker="
                  + t
                  + "&timeframe="
                  + key.param("period", "annual")
                  + "&order=desc&limit=8",
              auth,
              "financials");
      case EARNINGS ->
          new ProviderRequest(
              "/benzinga/v1/earnings?ticker=" + t + "&sort=date.desc&limit=" + LIST_LIMIT,
              auth,
              "earnings");
      case COMPANY -> new ProviderRequest("/v3/reference/tickers/" + t, auth, "ticker_details");
      case SEARCH ->
          new ProviderRequest(
              "/v3/reference/tickers?search=" + t + "&active=true&limit=" + LIST_LIMIT,
              auth,
              "ticker_search");
      case NEWS ->
          new ProviderRequest(
              "/v2/reference/news?ticker=" + t + "&order=desc&limit=" + LIST_LIMIT, auth, "news");
      default -> throw new IllegalArgumentException("Polygon does not serve " + key.dataset());
    };
  }

  @Override
  public AdapterResult parse(FetchKey key, int status, byte[] body) {
    return AdapterSupport.parseJson(
        status,
        body,
        PolygonAdapter::errorOf,
        json ->
            switch (key.dataset()) {
              case QUOTE -> quote(json, key.symbol());
              case OPTIONS_FLOW -> options(json, key.symbol());
              case FUNDAMENTALS -> financials(json, key);
              case EARNINGS -> earnings(json, key.symbol());
              case COMPANY -> company(json, key.symbol());
              case SEARCH -> search(json, key.symbol());
              case NEWS -> news(json, key.symbol());
              default ->
                  AdapterResult.failure(
                      ProviderErrorCode.NOT_FOUND, "Polygon does not serve " + key.dataset());
            });
  }

  private static AdapterResult notFound(String what, String symbol) {
    return AdapterResult.failure(
        ProviderErrorCode.NOT_FOUND, "Polygon has no " + what + " for " + symbol);
  }

  private static JsonNode results(JsonNode json) {
    JsonNode results = json.get("results");
    if (results == null || results.isNull()) return null;
    return results;
  }

  private AdapterResult quote(JsonNode json, String symbol) {
    Optional<Quote> quote =
        quoteEndpoint == QuoteEndpoint.PREV ? fromPrev(json) : fromSnapshot(json);
    if (quote.isEmpty()) return notFound("quote", symbol);
    return AdapterSupport.validated(quote.get(), QuoteValidator.violation(quote.get(), symbol));
  }

  private static Optional<Quote> fromPrev(JsonNode json) {
    JsonNode results = results(json);
    if (results == null || !results.isArray()) {
      if (json.path("resultsCount").asInt(-1) == 0 || json.has("queryCount"))
        return Optional.empty();
      throw new SchemaViolation("aggregate without results");
    }
    if (results.isEmpty()) return Optional.empty();
    JsonNode bar = results.get(0);
    String symbol =
        JsonFields.text(bar, "T") != null
            ? JsonFields.text(bar, "T")
            : JsonFields.text(json, "ticker");
    return Optional.of(
        new Quote(
            symbol,
            JsonFields.decimal(bar, "c"),
            null,
            null,
            JsonFields.decimal(bar, "o"),
            JsonFields.decimal(bar, "h"),
            JsonFields.decimal(bar, "l"),
            null,
            JsonFields.wholeNumber(bar, "v"),
            "USD",
            JsonFields.epochMillis(bar, "t"),
            true));
  }

  private static Optional<Quote> fromSnapshot(JsonNode json) {
    JsonNode t = json.get("ticker");
    if (t == null || !t.isObject()) throw new SchemaViolation("snapshot without ticker");
    JsonNode day = t.path("day");
    BigDecimal price = JsonFields.decimal(t.path("lastTrade"), "p");
    if (price == null) price = JsonFields.decimal(day, "c");
    return Optional.of(
        new Quote(
            JsonFields.text(t, "ticker"),
            price,
            JsonFields.decimal(t, "todaysChange"),
            JsonFields.decimal(t, "todaysChangePerc"),
            JsonFields.decimal(day, "o"),
            JsonFields.decimal(day, "h"),
            JsonFields.decimal(day, "l"),
            JsonFields.decimal(t.path("prevDay"), "c"),
            JsonFields.wholeNumber(day, "v"),
            "USD",
            JsonFields.epochNanos(t, "updated"),
            "DELAYED".equalsIgnoreCase(JsonFields.text(json, "status"))));
  }

  private static AdapterResult options(JsonNode json, String symbol) {
    JsonNode results = results(json);
    if (results == null || !results.isArray())
      return AdapterResult.failure(
          ProviderErrorCode.INVALID_RESPONSE, "options snapshot without results");
    if (results.isEmpty()) return notFound("options", symbol);
    List<OptionsFlow.Contract> contracts = new ArrayList<>();
    for (JsonNode r : results) {
      JsonNode details = r.path("details");
      String underlying = JsonFields.text(r.path("underlying_asset"), "ticker");
      if (underlying != null && !underlying.equalsIgnoreCase(symbol)) {
        return AdapterResult.failure(
            ProviderErrorCode.INVALID_RESPONSE, "contract on " + underlying + " for " + symbol);
      }
      BigDecimal last = JsonFields.decimal(r.path("last_trade"), "price");
      if (last == null) last = JsonFields.decimal(r.path("day"), "close");
      contracts.add(
          new OptionsFlow.Contract(
              JsonFields.text(details, "ticker"),
              JsonFields.text(details, "contract_type"),
              JsonFields.decimal(details, "strike_price"),
              JsonFields.date(details, "expiration_date"),
              last,
              JsonFields.wholeNumber(r.path("day"), "volume"),
              JsonFields.wholeNumber(r, "open_interest"),
              JsonFields.decimal(r, "implied_volatility"),
              JsonFields.decimal(r.path("greeks"), "delta")));
    }
    OptionsFlow flow = new OptionsFlow(symbol, contracts);
    return AdapterSupport.validated(flow, Validation.options(flow));
  }

  private static BigDecimal value(JsonNode section, String name) {
    JsonNode v = section.path(name);
    return v.isMissingNode() ? null : JsonFields.decimal(v, "value");
  }

  private static AdapterResult financials(JsonNode json, FetchKey key) {
    JsonNode results = results(json);
    if (results == null || !results.isArray())
      return AdapterResult.failure(
          ProviderErrorCode.INVALID_RESPONSE, "financials without results");
    if (results.isEmpty()) return notFound("financials", key.symbol());
    String statement = key.param("statement", "income");
    List<FinancialStatement.Report> reports = new ArrayList<>();
    String currency = null;
    for (JsonNode r : results) {
      var date = JsonFields.date(r, "end_date");
      if (date == null)
        return AdapterResult.failure(
            ProviderErrorCode.INVALID_RESPONSE, "report without an end date");
      String period = JsonFields.text(r, "fiscal_period");
      JsonNode f = r.path("financials");
      JsonNode income = f.path("income_statement");
      JsonNode balance = f.path("balance_sheet");
      JsonNode cash = f.path("cash_flow_statement");
      if (currency == null) currency = JsonFields.text(income.path("revenues"), "unit");
      reports.add(
          switch (statement) {
            case "balance" ->
                new FinancialStatement.Balance(
                    date,
                    period,
                    value(balance, "assets"),
                    value(balance, "liabilities"),
                    value(balance, "equity"));
            case "cash_flow" ->
                new FinancialStatement.CashFlow(
                    date,
                    period,
                    value(cash, "net_cash_flow_from_operating_activities"),
                    null,
                    null);
            default ->
                new FinancialStatement.Income(
                    date,
                    period,
                    value(income, "revenues"),
                    value(income, "cost_of_revenue"),
                    value(income, "gross_profit"),
                    value(income, "operating_income_loss"),
                    value(income, "net_income_loss"),
                    value(income, "basic_earnings_per_share"),
                    value(income, "diluted_earnings_per_share"));
          });
    }
    return new AdapterResult.Success(
        new FinancialStatement(
            key.symbol(), statement, key.param("period", "annual"), currency, reports));
  }

  private static AdapterResult earnings(JsonNode json, String symbol) {
    JsonNode results = results(json);
    if (results == null || !results.isArray())
      return AdapterResult.failure(ProviderErrorCode.INVALID_RESPONSE, "earnings without results");
    if (results.isEmpty()) return notFound("earnings", symbol);
    List<Earnings.Event> events = new ArrayList<>();
    for (JsonNode e : results) {
      String ticker = JsonFields.text(e, "ticker");
      if (ticker != null && !ticker.equalsIgnoreCase(symbol)) {
        return AdapterResult.failure(
            ProviderErrorCode.INVALID_RESPONSE, "earnings of " + ticker + " for " + symbol);
      }
      var date = JsonFields.date(e, "date");
      if (date == null)
        return AdapterResult.failure(
            ProviderErrorCode.INVALID_RESPONSE, "earnings event without a date");
      String fiscal = JsonFields.text(e, "fiscal_period");
      String year = JsonFields.text(e, "fiscal_year");
      events.add(
          new Earnings.Event(
              date,
              fiscal == null ? null : year == null ? fiscal : fiscal + " " + year,
              JsonFields.decimal(e, "actual_eps"),
              JsonFields.decimal(e, "estimated_eps"),
              JsonFields.decimal(e, "actual_revenue"),
              JsonFields.decimal(e, "estimated_revenue")));
    }
    events.sort((a, b) -> b.date().compareTo(a.date()));
    return new AdapterResult.Success(new Earnings(symbol, events));
  }

  private static AdapterResult company(JsonNode json, String symbol) {
    JsonNode r = results(json);
    if (r == null || !r.isObject()) return notFound("ticker details", symbol);
    JsonNode address = r.path("address");
    CompanyProfile profile =
        new CompanyProfile(
            JsonFields.text(r, "ticker"),
            JsonFields.text(r, "name"),
            JsonFields.text(r, "primary_exchange"),
            null,
            JsonFields.text(r, "sic_description"),
            "us".equalsIgnoreCase(JsonFields.text(r, "locale")) ? "US" : null,
            Optional.ofNullable(JsonFields.text(r, "currency_name"))
                .map(c -> c.toUpperCase(Locale.ROOT))
                .orElse(null),
            JsonFields.text(r, "homepage_url"),
            JsonFields.text(r, "description"),
            null,
            JsonFields.decimal(r, "market_cap"),
            JsonFields.wholeNumber(r, "total_employees"));
    return AdapterSupport.validated(profile, Validation.company(profile, symbol));
  }

  private static AdapterResult search(JsonNode json, String query) {
    JsonNode results = results(json);
    List<SymbolSearch.Match> matches = new ArrayList<>();
    if (results != null && results.isArray()) {
      for (JsonNode m : results) {
        matches.add(
            new SymbolSearch.Match(
                JsonFields.text(m, "ticker"),
                JsonFields.text(m, "name"),
                JsonFields.text(m, "primary_exchange"),
                JsonFields.text(m, "type"),
                Optional.ofNullable(JsonFields.text(m, "currency_name"))
                    .map(c -> c.toUpperCase(Locale.ROOT))
                    .orElse(null)));
      }
    }
    return new AdapterResult.Success(new SymbolSearch(query, matches));
  }

  private static AdapterResult news(JsonNode json, String symbol) {
    JsonNode results = results(json);
    if (results == null || !results.isArray())
      return AdapterResult.failure(ProviderErrorCode.INVALID_RESPONSE, "news without results");
    List<News.Article> articles = new ArrayList<>();
    for (JsonNode a : results) {
      String url = JsonFields.text(a, "article_url");
      if (url == null || JsonFields.text(a, "title") == null) continue;
      articles.add(
          new News.Article(
              JsonFields.text(a, "title"),
              JsonFields.text(a.path("publisher"), "name"),
              url,
              JsonFields.instant(a, "published_utc"),
              JsonFields.text(a, "description")));
    }
    return new AdapterResult.Success(new News(symbol, articles));
  }

  /** Polygon's error answers, told apart by {@code status} and HTTP status. */
  static Optional<AdapterResult> errorOf(int status, JsonNode json) {
    String apiStatus = json.isObject() ? JsonFields.text(json, "status") : null;
    boolean bodySaysError =
        apiStatus != null
            && !apiStatus.equalsIgnoreCase("OK")
            && !apiStatus.equalsIgnoreCase("DELAYED");
    if (!bodySaysError && status >= 200 && status < 300) return Optional.empty();
    String message = JsonFields.text(json, "error");
    if (message == null) message = JsonFields.text(json, "message");
    if (message == null) message = "HTTP " + status + (apiStatus == null ? "" : " " + apiStatus);
    String lowerStatus = apiStatus == null ? "" : apiStatus.toLowerCase(Locale.ROOT);
    ProviderErrorCode code;
    if (status == 429
        || message.toLowerCase(Locale.ROOT).contains("exceeded the maximum requests")) {
      code = ProviderErrorCode.RATE_LIMIT;
    } else if (lowerStatus.equals("notfound") || lowerStatus.equals("not_found") || status == 404) {
      code = ProviderErrorCode.NOT_FOUND;
    } else if (lowerStatus.equals("not_authorized") || status == 403) {
      code = ProviderErrorCode.NOT_ENTITLED;
    } else if (status == 401) {
      code = ProviderErrorCode.UNAUTHORIZED;
    } else {
      code = StatusClassifier.classify(status).orElse(ProviderErrorCode.INVALID_RESPONSE);
    }
    return Optional.of(AdapterResult.failure(code, AdapterSupport.truncate(message)));
  }
}
