package io.marketgate.app.provider.tiingo;

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
import io.marketgate.protocol.data.Quote;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Tiingo. Quotes from IEX top of book ({@code /iex/?tickers=aapl,msft}, many tickers in one call)
 * or the latest end-of-day bar ({@code /tiingo/daily/aapl/prices}, delayed); company from the daily
 * metadata ({@code /tiingo/daily/aapl}). The key travels as {@code Authorization: Token …}, never
 * in the URL. Errors come as {@code {"detail": …}} with any status (the monthly symbol cap as plain
 * text with status 200); an unknown IEX ticker is {@code []}. A rate-limited key rests until the
 * allocation it ran over resets: the next full hour, UTC midnight or month.
 */
public final class TiingoAdapter implements ProviderAdapter, BatchQuotes {

  /** Which endpoint answers quotes. */
  public enum QuoteEndpoint {
    IEX,
    DAILY
  }

  private final QuoteEndpoint quoteEndpoint;
  private final int maxBatchSize;
  private final Clock clock;

  /**
   * @param clock tells when a rate-limit window resets
   */
  public TiingoAdapter(QuoteEndpoint quoteEndpoint, int maxBatchSize, Clock clock) {
    if (maxBatchSize < 1)
      throw new IllegalArgumentException(
          "TIINGO_MAX_BATCH_SIZE must be positive, not " + maxBatchSize);
    this.quoteEndpoint = quoteEndpoint;
    this.maxBatchSize = maxBatchSize;
    this.clock = clock;
  }

  public static QuoteEndpoint parseQuoteEndpoint(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "iex" -> QuoteEndpoint.IEX;
      case "daily" -> QuoteEndpoint.DAILY;
      default ->
          throw new IllegalArgumentException(
              "TIINGO_QUOTE_ENDPOINT must be iex or daily, not " + value);
    };
  }

  @Override
  public Set<Dataset> datasets() {
    return Set.of(Dataset.QUOTE, Dataset.COMPANY);
  }

  /**
   * The end-of-day endpoint takes one ticker, so a batch of daily quotes is one call per symbol.
   */
  @Override
  public int maxBatchSize() {
    return quoteEndpoint == QuoteEndpoint.IEX ? maxBatchSize : 1;
  }

  @Override
  public ProviderRequest request(FetchKey key, String apiKey) {
    String t = ticker(key.symbol());
    return switch (key.dataset()) {
      case QUOTE ->
          quoteEndpoint == QuoteEndpoint.IEX
              ? new ProviderRequest("/iex/?tickers=" + t, auth(apiKey), "iex")
              : new ProviderRequest("/tiingo/daily/" + t + "/prices", auth(apiKey), "daily_prices");
      case COMPANY -> new ProviderRequest("/tiingo/daily/" + t, auth(apiKey), "daily_meta");
      default -> throw new IllegalArgumentException("Tiingo does not serve " + key.dataset());
    };
  }

  @Override
  public ProviderRequest batchRequest(List<String> symbols, String apiKey) {
    if (quoteEndpoint == QuoteEndpoint.DAILY) {
      if (symbols.size() != 1)
        throw new IllegalArgumentException("the daily endpoint takes one ticker");
      return request(FetchKey.of(Dataset.QUOTE, symbols.get(0)), apiKey);
    }
    String tickers = symbols.stream().map(TiingoAdapter::ticker).collect(Collectors.joining(","));
    return new ProviderRequest("/iex/?tickers=" + tickers, auth(apiKey), "iex_batch");
  }

  private static String ticker(String symbol) {
    return encode(symbol.toLowerCase(Locale.ROOT));
  }

  private static Map<String, String> auth(String apiKey) {
    return apiKey.isEmpty() ? Map.of() : Map.of("Authorization", "Token " + apiKey);
  }

  @Override
  public AdapterResult parse(FetchKey key, int status, byte[] body) {
    return read(
        status,
        body,
        json ->
            switch (key.dataset()) {
              case QUOTE ->
                  quoteEndpoint == QuoteEndpoint.IEX
                      ? iex(json, key.symbol())
                      : daily(json, key.symbol());
              case COMPANY -> company(json, key.symbol());
              default ->
                  AdapterResult.failure(
                      ProviderErrorCode.NOT_FOUND, "Tiingo does not serve " + key.dataset());
            });
  }

  @Override
  public Map<String, AdapterResult> parseBatch(List<String> symbols, int status, byte[] body) {
    if (quoteEndpoint == QuoteEndpoint.DAILY) {
      return Map.of(
          symbols.get(0), parse(FetchKey.of(Dataset.QUOTE, symbols.get(0)), status, body));
    }
    Map<String, AdapterResult> results = new LinkedHashMap<>();
    AdapterResult whole =
        read(status, body, json -> json.isArray() ? new AdapterResult.Success(json) : notAnArray());
    if (!(whole instanceof AdapterResult.Success answer)) {
      for (String s : symbols) results.put(s, whole);
      return results;
    }
    for (JsonNode q : (JsonNode) answer.record()) {
      String ticker = JsonFields.text(q, "ticker");
      for (String asked : symbols) {
        if (asked.equalsIgnoreCase(ticker) && !results.containsKey(asked))
          results.put(asked, readableIexQuote(q, asked));
      }
    }
    for (String s : symbols) results.putIfAbsent(s, notFound("IEX quote", s));
    return results;
  }

  /** A plain-text answer is one of Tiingo's messages; JSON is its error, if it is one, or data. */
  private AdapterResult read(int status, byte[] body, Function<JsonNode, AdapterResult> parse) {
    return plainText(body)
        .map(text -> classify(status, text))
        .orElseGet(() -> AdapterSupport.parseJson(status, body, this::errorOf, parse));
  }

  private static Optional<String> plainText(byte[] body) {
    String text = new String(body, 0, Math.min(body.length, 1000), StandardCharsets.UTF_8).strip();
    if (text.isEmpty() || "{[\"<".indexOf(text.charAt(0)) >= 0) return Optional.empty();
    return Optional.of(text);
  }

  private static AdapterResult notAnArray() {
    return AdapterResult.failure(ProviderErrorCode.INVALID_RESPONSE, "expected a JSON array");
  }

  private static AdapterResult notFound(String what, String symbol) {
    return AdapterResult.failure(
        ProviderErrorCode.NOT_FOUND, "Tiingo has no " + what + " for " + symbol);
  }

  private static AdapterResult iex(JsonNode json, String symbol) {
    if (!json.isArray()) return notAnArray();
    if (json.isEmpty()) return notFound("IEX quote", symbol);
    return iexQuote(json.get(0), symbol);
  }

  /** One element of a multi-ticker answer; an unreadable one fails its symbol only. */
  private static AdapterResult readableIexQuote(JsonNode q, String symbol) {
    try {
      return iexQuote(q, symbol);
    } catch (RuntimeException e) {
      return AdapterResult.failure(
          ProviderErrorCode.INVALID_RESPONSE, "unreadable quote: " + e.getMessage());
    }
  }

  /**
   * {@code tngoLast} is Tiingo's reference price, given on every plan; {@code last} (IEX's own last
   * trade) only to those with an IEX agreement. The change is reckoned from {@code prevClose}.
   */
  private static AdapterResult iexQuote(JsonNode q, String symbol) {
    BigDecimal price = JsonFields.decimal(q, "tngoLast", "last");
    BigDecimal previousClose = JsonFields.decimal(q, "prevClose");
    BigDecimal change =
        price != null && previousClose != null && previousClose.signum() > 0
            ? price.subtract(previousClose)
            : null;
    BigDecimal changePercent =
        change == null
            ? null
            : change
                .multiply(BigDecimal.valueOf(100))
                .divide(previousClose, 4, RoundingMode.HALF_UP);
    Quote quote =
        new Quote(
            upper(JsonFields.text(q, "ticker")),
            price,
            change,
            changePercent,
            JsonFields.decimal(q, "open"),
            JsonFields.decimal(q, "high"),
            JsonFields.decimal(q, "low"),
            previousClose,
            JsonFields.wholeNumber(q, "volume"),
            "USD", // IEX is a US exchange
            JsonFields.instant(q, "timestamp"),
            false);
    return AdapterSupport.validated(quote, QuoteValidator.violation(quote, symbol));
  }

  /**
   * The latest bar (the last of the array). It names no ticker and no currency (the end-of-day feed
   * also covers listings outside the US), and the previous close is not part of it.
   */
  private static AdapterResult daily(JsonNode json, String symbol) {
    if (!json.isArray()) return notAnArray();
    if (json.isEmpty()) return notFound("end-of-day price", symbol);
    JsonNode bar = json.get(json.size() - 1);
    Quote quote =
        new Quote(
            symbol,
            JsonFields.decimal(bar, "close"),
            null,
            null,
            JsonFields.decimal(bar, "open"),
            JsonFields.decimal(bar, "high"),
            JsonFields.decimal(bar, "low"),
            null,
            JsonFields.wholeNumber(bar, "volume"),
            null,
            JsonFields.instant(bar, "date"),
            true);
    return AdapterSupport.validated(quote, QuoteValidator.violation(quote, symbol));
  }

  private static AdapterResult company(JsonNode m, String symbol) {
    if (!m.isObject())
      return AdapterResult.failure(ProviderErrorCode.INVALID_RESPONSE, "expected a JSON object");
    CompanyProfile profile =
        new CompanyProfile(
            upper(JsonFields.text(m, "ticker")),
            JsonFields.text(m, "name"),
            JsonFields.text(m, "exchangeCode"),
            null,
            null,
            null,
            null,
            null,
            JsonFields.text(m, "description"),
            null,
            null,
            null);
    return AdapterSupport.validated(profile, Validation.company(profile, symbol));
  }

  private static String upper(String s) {
    return s == null ? null : s.toUpperCase(Locale.ROOT);
  }

  /**
   * A {@code detail} object (or a JSON string) is an error whatever the status; so is a non-2xx
   * status.
   */
  private Optional<AdapterResult> errorOf(int status, JsonNode json) {
    String message =
        json.isObject() ? JsonFields.text(json, "detail") : json.isTextual() ? json.asText() : null;
    if (message != null) return Optional.of(classify(status, message));
    if (status == 403)
      return Optional.of(
          AdapterResult.failure(ProviderErrorCode.NOT_ENTITLED, "HTTP 403: not in this plan"));
    return StatusClassifier.classify(status)
        .map(code -> AdapterResult.failure(code, "HTTP " + status));
  }

  /**
   * Tiingo's messages: "You have run over your hourly request allocation…" (also daily, monthly
   * bandwidth, "…your 500 symbol look up for this month…"), "Invalid token." / "Please supply a
   * token", "You do not have permission to access the … API", "Not found." / "Error: Ticker 'X' not
   * found". Phrases, not words, so that a ticker named in a message cannot change its meaning.
   */
  private AdapterResult classify(int status, String message) {
    String lower = message.toLowerCase(Locale.ROOT);
    String text = AdapterSupport.truncate(message);
    if (status == 429 || lower.contains("run over your") || lower.contains("exceeded your")) {
      return AdapterResult.rateLimited(text, untilReset(lower));
    }
    ProviderErrorCode code;
    if (status == 401 || lower.contains("invalid token") || lower.contains("supply a token")) {
      code = ProviderErrorCode.UNAUTHORIZED;
    } else if (status == 403
        || lower.contains("do not have permission")
        || lower.contains("add-on service")) {
      code = ProviderErrorCode.NOT_ENTITLED;
    } else if (status == 404 || lower.contains("not found")) {
      code = ProviderErrorCode.NOT_FOUND;
    } else {
      code = StatusClassifier.classify(status).orElse(ProviderErrorCode.INVALID_RESPONSE);
    }
    return AdapterResult.failure(code, text);
  }

  /** Until the window the message names resets, reckoned in UTC; null when it names none. */
  private Duration untilReset(String lowerMessage) {
    ZonedDateTime now = ZonedDateTime.now(clock.withZone(ZoneOffset.UTC));
    ZonedDateTime reset;
    if (lowerMessage.contains("hour")) {
      reset = now.truncatedTo(ChronoUnit.HOURS).plusHours(1);
    } else if (lowerMessage.contains("daily") || lowerMessage.contains("day")) {
      reset = now.truncatedTo(ChronoUnit.DAYS).plusDays(1);
    } else if (lowerMessage.contains("month")) {
      reset = now.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1).plusMonths(1);
    } else {
      return null;
    }
    return Duration.between(now, reset);
  }
}
