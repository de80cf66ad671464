package io.marketgate.app.provider.fmp;

import static io.marketgate.app.provider.AdapterSupport.encode;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.provider.AdapterResult;
import io.marketgate.app.provider.AdapterSupport;
import io.marketgate.app.provider.BatchQuotes;
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
import io.marketgate.protocol.data.Earnings;
import io.marketgate.protocol.data.FinancialStatement;
import io.marketgate.protocol.data.News;
import io.marketgate.protocol.data.Quote;
import io.marketgate.protocol.data.SymbolSearch;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Financial Modeling Prep. The current API ({@code /stable/quote?symbol=AAPL}) and the legacy v3
 * layout ({@code /api/v3/quote/AAPL}, selected by a base URL ending in {@code /api/v3}) differ in
 * paths and in some field names ({@code changePercentage}/{@code changesPercentage}, {@code
 * filingDate}/{@code fillingDate}, {@code epsDiluted}/{@code epsdiluted}). Errors come as {@code
 * {"Error Message": …}}, sometimes with status 200; 402/403 "Restricted"/"Legacy" answers are plan
 * refusals; an unknown symbol is {@code []}.
 */
public final class FmpAdapter implements ProviderAdapter, BatchQuotes {
  private static final Set<String> US_EXCHANGES =
      Set.of("NASDAQ", "NYSE", "AMEX", "NYSEARCA", "BATS", "OTC", "CBOE");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final int STATEMENT_LIMIT = 8;
  private static final int LIST_LIMIT = 20;

  private final boolean legacy;
  private final int maxBatchSize;

  public FmpAdapter(String baseUrl, int maxBatchSize) {
    this.legacy = baseUrl.endsWith("/api/v3");
    this.maxBatchSize = maxBatchSize;
  }

  @Override
  public Set<Dataset> datasets() {
    return Set.of(
        Dataset.QUOTE,
        Dataset.FUNDAMENTALS,
        Dataset.COMPANY,
        Dataset.EARNINGS,
        Dataset.SEARCH,
        Dataset.NEWS);
  }

  @Override
  public int maxBatchSize() {
    return maxBatchSize;
  }

  /**
   * A list call: the legacy or current path with its query so far (ending in {@code ?} or {@code
   * &}), then the list limit and the key.
   */
  private ProviderRequest list(String legacyPath, String currentPath, String key, String endpoint) {
    return get((legacy ? legacyPath : currentPath) + "limit=" + LIST_LIMIT + "&" + key, endpoint);
  }

  @Override
  public ProviderRequest request(FetchKey key, String apiKey) {
    String s = encode(key.symbol());
    String k = "apikey=" + encode(apiKey);
    return switch (key.dataset()) {
      case QUOTE -> get(legacy ? "/quote/" + s + "?" + k : "/quote?symbol=" + s + "&" + k, "quote");
      case COMPANY ->
          get(legacy ? "/profile/" + s + "?" + k : "/profile?symbol=" + s + "&" + k, "profile");
      case FUNDAMENTALS -> {
        String path =
            switch (key.param("statement", "income")) {
              case "balance" -> "/balance-sheet-statement";
              case "cash_flow" -> "/cash-flow-statement";
              default -> "/income-statement";
            };
        String period = "quarterly".equals(key.param("period", "annual")) ? "quarter" : "annual";
        String query = "period=" + period + "&limit=" + STATEMENT_LIMIT + "&" + k;
        yield get(
            legacy ? path + "/" + s + "?" + query : path + "?symbol=" + s + "&" + query,
            path.substring(1));
      }
      case EARNINGS ->
          list(
              "/historical/earning_calendar/" + s + "?",
              "/earnings?symbol=" + s + "&",
              k,
              "earnings");
      case SEARCH ->
          list("/search?query=" + s + "&", "/search-symbol?query=" + s + "&", k, "search");
      case NEWS ->
          list("/stock_news?tickers=" + s + "&", "/news/stock?symbols=" + s + "&", k, "news");
      default -> throw new IllegalArgumentException("FMP does not serve " + key.dataset());
    };
  }

  @Override
  public ProviderRequest batchRequest(List<String> symbols, String apiKey) {
    String list = encode(String.join(",", symbols));
    return get(
        legacy
            ? "/quote/" + list + "?apikey=" + encode(apiKey)
            : "/batch-quote?symbols=" + list + "&apikey=" + encode(apiKey),
        "batch_quote");
  }

  private static ProviderRequest get(String pathAndQuery, String endpoint) {
    return new ProviderRequest(pathAndQuery, Map.of(), endpoint);
  }

  @Override
  public AdapterResult parse(FetchKey key, int status, byte[] body) {
    Optional<AdapterResult> refusal = plainTextRefusal(status, body);
    if (refusal.isPresent()) return refusal.get();
    return AdapterSupport.parseJson(
        status,
        body,
        FmpAdapter::errorOf,
        json -> {
          if (!json.isArray())
            return AdapterResult.failure(
                ProviderErrorCode.INVALID_RESPONSE, "expected a JSON array");
          return switch (key.dataset()) {
            case QUOTE -> json.isEmpty() ? notFound(key) : quote(json.get(0), key.symbol());
            case COMPANY -> json.isEmpty() ? notFound(key) : company(json.get(0), key.symbol());
            case FUNDAMENTALS -> json.isEmpty() ? notFound(key) : statement(json, key);
            case EARNINGS -> json.isEmpty() ? notFound(key) : earnings(json, key.symbol());
            case SEARCH -> search(json, key.symbol());
            case NEWS -> news(json, key.symbol());
            default ->
                AdapterResult.failure(
                    ProviderErrorCode.NOT_FOUND, "FMP does not serve " + key.dataset());
          };
        });
  }

  @Override
  public Map<String, AdapterResult> parseBatch(List<String> symbols, int status, byte[] body) {
    Map<String, AdapterResult> results = new LinkedHashMap<>();
    AdapterResult whole =
        plainTextRefusal(status, body)
            .orElseGet(
                () ->
                    AdapterSupport.parseJson(
                        status,
                        body,
                        FmpAdapter::errorOf,
                        json -> {
                          if (!json.isArray())
                            return AdapterResult.failure(
                                ProviderErrorCode.INVALID_RESPONSE, "expected a JSON array");
                          for (JsonNode q : json) {
                            String symbol = JsonFields.text(q, "symbol");
                            if (symbol == null) continue;
                            String asked =
                                symbols.stream()
                                    .filter(s -> s.equalsIgnoreCase(symbol))
                                    .findFirst()
                                    .orElse(null);
                            if (asked != null) {
                              try {
                                results.put(asked, quote(q, asked));
                              } catch (RuntimeException e) {
                                results.put(
                                    asked,
                                    AdapterResult.failure(
                                        ProviderErrorCode.INVALID_RESPONSE,
                                        "unreadable quote: " + e.getMessage()));
                              }
                            }
                          }
                          return null;
                        }));
    for (String s : symbols) {
      if (whole != null) results.put(s, whole);
      else
        results.putIfAbsent(
            s, AdapterResult.failure(ProviderErrorCode.NOT_FOUND, "FMP knows no symbol " + s));
    }
    return results;
  }

  private static AdapterResult notFound(FetchKey key) {
    return AdapterResult.failure(
        ProviderErrorCode.NOT_FOUND,
        "FMP has no " + key.dataset().wireName() + " for " + key.symbol());
  }

  private AdapterResult quote(JsonNode q, String symbol) {
    Quote quote =
        new Quote(
            JsonFields.text(q, "symbol"),
            JsonFields.decimal(q, "price"),
            JsonFields.decimal(q, "change"),
            JsonFields.decimal(q, "changePercentage", "changesPercentage"),
            JsonFields.decimal(q, "open"),
            JsonFields.decimal(q, "dayHigh"),
            JsonFields.decimal(q, "dayLow"),
            JsonFields.decimal(q, "previousClose"),
            JsonFields.wholeNumber(q, "volume"),
            usdWhenUsListed(JsonFields.text(q, "exchange")),
            JsonFields.epochSeconds(q, "timestamp"),
            false);
    return AdapterSupport.validated(quote, QuoteValidator.violation(quote, symbol));
  }

  private static String usdWhenUsListed(String exchange) {
    return exchange != null && US_EXCHANGES.contains(exchange.toUpperCase(Locale.ROOT))
        ? "USD"
        : null;
  }

  private static AdapterResult company(JsonNode p, String symbol) {
    CompanyProfile profile =
        new CompanyProfile(
            JsonFields.text(p, "symbol"),
            JsonFields.text(p, "companyName"),
            // v3 profiles carry the full exchange name in "exchange" and the code in
            // "exchangeShortName"; /stable ones only "exchange", already the code.
            Optional.ofNullable(JsonFields.text(p, "exchangeShortName"))
                .orElse(JsonFields.text(p, "exchange")),
            JsonFields.text(p, "sector"),
            JsonFields.text(p, "industry"),
            JsonFields.text(p, "country"),
            JsonFields.text(p, "currency"),
            JsonFields.text(p, "website"),
            JsonFields.text(p, "description"),
            JsonFields.text(p, "ceo"),
            JsonFields.decimal(p, "marketCap", "mktCap"),
            JsonFields.wholeNumber(p, "fullTimeEmployees"));
    return AdapterSupport.validated(profile, Validation.company(profile, symbol));
  }

  private static AdapterResult statement(JsonNode array, FetchKey key) {
    String statement = key.param("statement", "income");
    List<FinancialStatement.Report> reports = new ArrayList<>();
    String currency = null;
    for (JsonNode r : array) {
      String symbol = JsonFields.text(r, "symbol");
      if (symbol != null && !symbol.equalsIgnoreCase(key.symbol())) {
        return AdapterResult.failure(
            ProviderErrorCode.INVALID_RESPONSE,
            "answered symbol " + symbol + " for " + key.symbol());
      }
      if (currency == null) currency = JsonFields.text(r, "reportedCurrency");
      var date = JsonFields.date(r, "date");
      if (date == null)
        return AdapterResult.failure(ProviderErrorCode.INVALID_RESPONSE, "report without a date");
      String period = JsonFields.text(r, "period");
      reports.add(
          switch (statement) {
            case "balance" ->
                new FinancialStatement.Balance(
                    date,
                    period,
                    JsonFields.decimal(r, "totalAssets"),
                    JsonFields.decimal(r, "totalLiabilities"),
                    JsonFields.decimal(r, "totalStockholdersEquity", "totalEquity"));
            case "cash_flow" ->
                new FinancialStatement.CashFlow(
                    date,
                    period,
                    JsonFields.decimal(
                        r, "operatingCashFlow", "netCashProvidedByOperatingActivities"),
                    JsonFields.decimal(r, "capitalExpenditure"),
                    JsonFields.decimal(r, "freeCashFlow"));
            default ->
                new FinancialStatement.Income(
                    date,
                    period,
                    JsonFields.decimal(r, "revenue"),
                    JsonFields.decimal(r, "costOfRevenue"),
                    JsonFields.decimal(r, "grossProfit"),
                    JsonFields.decimal(r, "operatingIncome"),
                    JsonFields.decimal(r, "netIncome"),
                    JsonFields.decimal(r, "eps"),
                    JsonFields.decimal(r, "epsDiluted", "epsdiluted"));
          });
    }
    return new AdapterResult.Success(
        new FinancialStatement(
            key.symbol(), statement, key.param("period", "annual"), currency, reports));
  }

  private static AdapterResult earnings(JsonNode array, String symbol) {
    List<Earnings.Event> events = new ArrayList<>();
    for (JsonNode e : array) {
      String answered = JsonFields.text(e, "symbol");
      if (answered != null && !answered.equalsIgnoreCase(symbol)) {
        return AdapterResult.failure(
            ProviderErrorCode.INVALID_RESPONSE, "answered symbol " + answered + " for " + symbol);
      }
      var date = JsonFields.date(e, "date");
      if (date == null)
        return AdapterResult.failure(
            ProviderErrorCode.INVALID_RESPONSE, "earnings event without a date");
      events.add(
          new Earnings.Event(
              date,
              JsonFields.text(e, "fiscalDateEnding"),
              JsonFields.decimal(e, "epsActual", "eps"),
              JsonFields.decimal(e, "epsEstimated"),
              JsonFields.decimal(e, "revenueActual", "revenue"),
              JsonFields.decimal(e, "revenueEstimated")));
    }
    events.sort((a, b) -> b.date().compareTo(a.date()));
    return new AdapterResult.Success(new Earnings(symbol, events));
  }

  private static AdapterResult search(JsonNode array, String query) {
    List<SymbolSearch.Match> matches = new ArrayList<>();
    for (JsonNode m : array) {
      String symbol = JsonFields.text(m, "symbol");
      if (symbol == null)
        return AdapterResult.failure(ProviderErrorCode.INVALID_RESPONSE, "match without a symbol");
      matches.add(
          new SymbolSearch.Match(
              symbol,
              JsonFields.text(m, "name"),
              Optional.ofNullable(JsonFields.text(m, "exchange"))
                  .orElse(JsonFields.text(m, "exchangeShortName")),
              null,
              JsonFields.text(m, "currency")));
    }
    return new AdapterResult.Success(new SymbolSearch(query, matches));
  }

  private static AdapterResult news(JsonNode array, String symbol) {
    List<News.Article> articles = new ArrayList<>();
    for (JsonNode a : array) {
      String url = JsonFields.text(a, "url");
      if (url == null || JsonFields.text(a, "title") == null) continue;
      articles.add(
          new News.Article(
              JsonFields.text(a, "title"),
              Optional.ofNullable(JsonFields.text(a, "publisher"))
                  .orElse(JsonFields.text(a, "site")),
              url,
              JsonFields.localDateTime(a, "publishedDate", NEW_YORK),
              JsonFields.text(a, "text")));
    }
    return new AdapterResult.Success(new News(symbol, articles));
  }

  /**
   * FMP answers plan refusals ("Restricted Endpoint: This endpoint is not available under your
   * current subscription", "Premium Query Parameter: …") as plain text, not JSON, usually with
   * status 402: a refusal of the plan, not a malformed answer or a bad key.
   */
  static Optional<AdapterResult> plainTextRefusal(int status, byte[] body) {
    int i = 0;
    while (i < body.length && Character.isWhitespace(body[i])) i++;
    if (i == body.length || body[i] == '{' || body[i] == '[') return Optional.empty();
    String text =
        new String(
                body, i, Math.min(body.length - i, 1000), java.nio.charset.StandardCharsets.UTF_8)
            .strip();
    String lower = text.toLowerCase(Locale.ROOT);
    boolean refusal =
        status == 402
            || lower.startsWith("restricted endpoint")
            || lower.startsWith("premium query parameter")
            || lower.startsWith("legacy endpoint")
            || lower.contains("not available under your current subscription");
    if (!refusal) return Optional.empty();
    return Optional.of(
        AdapterResult.failure(ProviderErrorCode.NOT_ENTITLED, AdapterSupport.truncate(text)));
  }

  /** FMP's error answers: an "Error Message" object (any status), or a non-2xx status. */
  static Optional<AdapterResult> errorOf(int status, JsonNode json) {
    String message = json.isObject() ? JsonFields.text(json, "Error Message") : null;
    if (message == null && json.isObject()) message = JsonFields.text(json, "error");
    if (message == null) {
      if (status == 402 || status == 403) {
        return Optional.of(
            AdapterResult.failure(
                ProviderErrorCode.NOT_ENTITLED, "HTTP " + status + ": not in this plan"));
      }
      return StatusClassifier.classify(status)
          .map(code -> AdapterResult.failure(code, "HTTP " + status));
    }
    String lower = message.toLowerCase(Locale.ROOT);
    ProviderErrorCode code;
    if (status == 429 || lower.contains("limit reach")) {
      code = ProviderErrorCode.RATE_LIMIT;
    } else if (lower.contains("invalid api key") || status == 401) {
      code = ProviderErrorCode.UNAUTHORIZED;
    } else if (status == 402
        || status == 403
        || lower.contains("restricted endpoint")
        || lower.contains("legacy endpoint")
        || lower.contains("subscription")) {
      code = ProviderErrorCode.NOT_ENTITLED;
    } else {
      code = StatusClassifier.classify(status).orElse(ProviderErrorCode.INVALID_RESPONSE);
    }
    return Optional.of(AdapterResult.failure(code, AdapterSupport.truncate(message)));
  }
}
