package io.marketgate.app.provider.fmp;

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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Financial Modeling Prep. The current API ({@code /stable/quote?symbol=AAPL}) and the legacy v3
 * layout ({@code /api/v3/quote/AAPL}, selected by a base URL ending in {@code /api/v3}) differ in
 * paths and in some field names ({@code changePercentage} vs {@code changesPercentage}).
 * Errors come as {@code {"Error Message": …}}, sometimes with status 200; an unknown symbol is
 * {@code []}.
 */
public final class FmpAdapter implements ProviderAdapter {
  private static final Set<String> US_EXCHANGES = Set.of("NASDAQ", "NYSE", "AMEX", "NYSEARCA", "BATS", "OTC");

  private final boolean legacyV3;

  public FmpAdapter(String baseUrl) {
    this.legacyV3 = baseUrl.endsWith("/api/v3");
  }

  @Override
  public Set<Dataset> datasets() {
    return Set.of(Dataset.QUOTE);
  }

  @Override
  public ProviderRequest request(FetchKey key, String apiKey) {
    String symbol = encode(key.symbol());
    String path = legacyV3 ? "/quote/" + symbol + "?apikey=" : "/quote?symbol=" + symbol + "&apikey=";
    return new ProviderRequest(path + encode(apiKey), Map.of(), "quote");
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
    if (!json.isArray()) {
      return AdapterResult.failure(ProviderErrorCode.INVALID_RESPONSE, "expected a JSON array");
    }
    if (json.isEmpty()) {
      return AdapterResult.failure(ProviderErrorCode.NOT_FOUND, "FMP knows no symbol " + key.symbol());
    }
    Quote quote = toQuote(json.get(0));
    return QuoteValidator.violation(quote, key.symbol())
        .<AdapterResult>map(v -> AdapterResult.failure(ProviderErrorCode.INVALID_RESPONSE, v))
        .orElse(new AdapterResult.Success(quote));
  }

  private Quote toQuote(JsonNode q) {
    String exchange = JsonFields.text(q, "exchange");
    return new Quote(
        JsonFields.text(q, "symbol"),
        JsonFields.decimal(q, "price"),
        JsonFields.decimal(q, "change"),
        JsonFields.decimal(q, legacyV3 ? "changesPercentage" : "changePercentage"),
        JsonFields.decimal(q, "open"),
        JsonFields.decimal(q, "dayHigh"),
        JsonFields.decimal(q, "dayLow"),
        JsonFields.decimal(q, "previousClose"),
        JsonFields.wholeNumber(q, "volume"),
        exchange != null && US_EXCHANGES.contains(exchange.toUpperCase(Locale.ROOT)) ? "USD" : null,
        JsonFields.epochSeconds(q, "timestamp"),
        false);
  }

  /** FMP's error answers: an "Error Message" object (any status), or a non-2xx status. */
  static Optional<AdapterResult> errorOf(int status, JsonNode json) {
    String message = json.isObject() ? JsonFields.text(json, "Error Message") : null;
    if (message == null && json.isObject()) message = JsonFields.text(json, "error");
    if (message == null) {
      return StatusClassifier.classify(status).map(code -> AdapterResult.failure(code, "HTTP " + status));
    }
    String lower = message.toLowerCase(Locale.ROOT);
    ProviderErrorCode code;
    if (status == 429 || lower.contains("limit reach")) {
      code = ProviderErrorCode.RATE_LIMIT;
    } else if (lower.contains("invalid api key") || status == 401) {
      code = ProviderErrorCode.UNAUTHORIZED;
    } else {
      code = StatusClassifier.classify(status).orElse(ProviderErrorCode.INVALID_RESPONSE);
    }
    return Optional.of(AdapterResult.failure(code, truncate(message)));
  }

  private static String truncate(String message) {
    return message.length() <= 200 ? message : message.substring(0, 200) + "…";
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
