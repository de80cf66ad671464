package io.marketgate.app.provider.polygon;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.json.Json;
import io.marketgate.app.provider.AdapterResult;
import io.marketgate.app.provider.JsonFields;
import io.marketgate.app.provider.ProviderAdapter;
import io.marketgate.app.provider.ProviderRequest;
import io.marketgate.app.provider.QuoteValidator;
import io.marketgate.app.provider.StatusClassifier;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.data.Quote;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Polygon.io (also reachable as massive.com: the base URL is configurable). Quotes come from the
 * previous-day aggregate {@code /v2/aggs/ticker/{T}/prev} (every plan; the quote is then marked
 * delayed) or the ticker snapshot {@code /v2/snapshot/locale/us/markets/stocks/tickers/{T}}.
 * The key travels in the {@code Authorization: Bearer} header, never in the URL. Errors are
 * {@code {"status":"ERROR","error":…}}, {@code {"status":"NOT_AUTHORIZED","message":…}} or
 * {@code {"status":"NotFound",…}}.
 */
public final class PolygonAdapter implements ProviderAdapter {

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
      default -> throw new IllegalArgumentException("POLYGON_QUOTE_ENDPOINT must be prev or snapshot, not " + value);
    };
  }

  @Override
  public Set<Dataset> datasets() {
    return Set.of(Dataset.QUOTE);
  }

  @Override
  public ProviderRequest request(FetchKey key, String apiKey) {
    String ticker = URLEncoder.encode(key.symbol(), StandardCharsets.UTF_8);
    Map<String, String> auth = apiKey.isEmpty() ? Map.of() : Map.of("Authorization", "Bearer " + apiKey);
    return switch (quoteEndpoint) {
      case PREV -> new ProviderRequest("/v2/aggs/ticker/" + ticker + "/prev?adjusted=true", auth, "aggs_prev");
      case SNAPSHOT ->
          new ProviderRequest("/v2/snapshot/locale/us/markets/stocks/tickers/" + ticker, auth, "ticker_snapshot");
    };
  }

  @Override
  public AdapterResult parse(FetchKey key, int status, byte[] body) {
    JsonNode json;
    try {
      json = Json.parse(body);
    } catch (Json.MalformedJsonException e) {
      return StatusClassifier.classify(status)
          .<AdapterResult>map(code -> AdapterResult.failure(code, "HTTP " + status))
          .orElse(AdapterResult.failure(ProviderErrorCode.INVALID_RESPONSE, "malformed JSON: " + e.getMessage()));
    }
    Optional<AdapterResult> error = errorOf(status, json);
    if (error.isPresent()) return error.get();
    Optional<Quote> quote = quoteEndpoint == QuoteEndpoint.PREV ? fromPrev(json) : fromSnapshot(json);
    if (quote.isEmpty()) {
      return AdapterResult.failure(ProviderErrorCode.NOT_FOUND, "Polygon has no data for " + key.symbol());
    }
    return QuoteValidator.violation(quote.get(), key.symbol())
        .<AdapterResult>map(v -> AdapterResult.failure(ProviderErrorCode.INVALID_RESPONSE, v))
        .orElse(new AdapterResult.Success(quote.get()));
  }

  private static Optional<Quote> fromPrev(JsonNode json) {
    JsonNode results = json.get("results");
    if (results == null || !results.isArray()) {
      if (json.path("resultsCount").asInt(-1) == 0 || json.has("queryCount")) return Optional.empty();
      throw new IllegalArgumentException("aggregate without results");
    }
    if (results.isEmpty()) return Optional.empty();
    JsonNode bar = results.get(0);
    String symbol = JsonFields.text(bar, "T") != null ? JsonFields.text(bar, "T") : JsonFields.text(json, "ticker");
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
    if (t == null || !t.isObject()) throw new IllegalArgumentException("snapshot without ticker");
    JsonNode day = t.path("day");
    JsonNode prev = t.path("prevDay");
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
            JsonFields.decimal(prev, "c"),
            JsonFields.wholeNumber(day, "v"),
            "USD",
            JsonFields.epochNanos(t, "updated"),
            false));
  }

  /** Polygon's error answers, told apart by {@code status} and HTTP status. */
  static Optional<AdapterResult> errorOf(int status, JsonNode json) {
    String apiStatus = json.isObject() ? JsonFields.text(json, "status") : null;
    boolean bodySaysError = apiStatus != null && !apiStatus.equalsIgnoreCase("OK") && !apiStatus.equalsIgnoreCase("DELAYED");
    if (!bodySaysError && status >= 200 && status < 300) return Optional.empty();
    String message = JsonFields.text(json, "error");
    if (message == null) message = JsonFields.text(json, "message");
    if (message == null) message = "HTTP " + status + (apiStatus == null ? "" : " " + apiStatus);
    String lowerStatus = apiStatus == null ? "" : apiStatus.toLowerCase(Locale.ROOT);
    ProviderErrorCode code;
    if (status == 429 || message.toLowerCase(Locale.ROOT).contains("exceeded the maximum requests")) {
      code = ProviderErrorCode.RATE_LIMIT;
    } else if (lowerStatus.equals("notfound") || status == 404) {
      code = ProviderErrorCode.NOT_FOUND;
    } else if (lowerStatus.equals("not_authorized") || status == 401 || status == 403) {
      code = ProviderErrorCode.UNAUTHORIZED;
    } else {
      code = StatusClassifier.classify(status).orElse(ProviderErrorCode.INVALID_RESPONSE);
    }
    return Optional.of(AdapterResult.failure(code, message.length() > 200 ? message.substring(0, 200) : message));
  }
}
