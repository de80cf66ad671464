package io.marketgate.app.provider.newsapi;

import static io.marketgate.app.provider.AdapterSupport.encode;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.provider.AdapterResult;
import io.marketgate.app.provider.AdapterSupport;
import io.marketgate.app.provider.JsonFields;
import io.marketgate.app.provider.ProviderAdapter;
import io.marketgate.app.provider.ProviderRequest;
import io.marketgate.app.provider.StatusClassifier;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.data.News;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * NewsAPI.org: {@code /everything?q=AAPL} (default) or {@code
 * /top-headlines?q=AAPL&category=business} ({@code NEWS_ENDPOINT=top-headlines}). The key goes in
 * the {@code X-Api-Key} header. Errors are {@code
 * {"status":"error","code":"apiKeyInvalid"|"rateLimited"|…,"message":…}}.
 */
public final class NewsApiAdapter implements ProviderAdapter {
  private static final int PAGE_SIZE = 20;

  /** Which NewsAPI endpoint answers. */
  public enum Endpoint {
    EVERYTHING,
    TOP_HEADLINES
  }

  private final Endpoint endpoint;

  public NewsApiAdapter(Endpoint endpoint) {
    this.endpoint = endpoint;
  }

  public static Endpoint parseEndpoint(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "everything" -> Endpoint.EVERYTHING;
      case "top-headlines" -> Endpoint.TOP_HEADLINES;
      default ->
          throw new IllegalArgumentException(
              "NEWS_ENDPOINT must be everything or top-headlines, not " + value);
    };
  }

  @Override
  public Set<Dataset> datasets() {
    return Set.of(Dataset.NEWS);
  }

  @Override
  public ProviderRequest request(FetchKey key, String apiKey) {
    Map<String, String> auth = apiKey.isEmpty() ? Map.of() : Map.of("X-Api-Key", apiKey);
    String q = encode(key.symbol());
    return endpoint == Endpoint.EVERYTHING
        ? new ProviderRequest(
            "/everything?q=" + q + "&sortBy=publishedAt&language=en&pageSize=" + PAGE_SIZE,
            auth,
            "everything")
        : new ProviderRequest(
            "/top-headlines?q=" + q + "&category=business&pageSize=" + PAGE_SIZE,
            auth,
            "top_headlines");
  }

  @Override
  public AdapterResult parse(FetchKey key, int status, byte[] body) {
    return AdapterSupport.parseJson(
        status,
        body,
        NewsApiAdapter::errorOf,
        json -> {
          JsonNode articles = json.get("articles");
          if (articles == null || !articles.isArray())
            return AdapterResult.failure(ProviderErrorCode.INVALID_RESPONSE, "no articles array");
          List<News.Article> list = new ArrayList<>();
          for (JsonNode a : articles) {
            String url = JsonFields.text(a, "url");
            String title = JsonFields.text(a, "title");
            // NewsAPI marks articles taken down since as "[Removed]".
            if (url == null || title == null || "[Removed]".equals(title)) continue;
            list.add(
                new News.Article(
                    title,
                    JsonFields.text(a.path("source"), "name"),
                    url,
                    JsonFields.instant(a, "publishedAt"),
                    JsonFields.text(a, "description")));
          }
          return new AdapterResult.Success(new News(key.symbol(), list));
        });
  }

  static Optional<AdapterResult> errorOf(int status, JsonNode json) {
    String apiStatus = json.isObject() ? JsonFields.text(json, "status") : null;
    if ("ok".equals(apiStatus) && status >= 200 && status < 300) return Optional.empty();
    String code = JsonFields.text(json, "code");
    String message = Optional.ofNullable(JsonFields.text(json, "message")).orElse("HTTP " + status);
    ProviderErrorCode mapped;
    if (code == null) {
      mapped = StatusClassifier.classify(status).orElse(ProviderErrorCode.INVALID_RESPONSE);
    } else {
      mapped =
          switch (code) {
            case "rateLimited" -> ProviderErrorCode.RATE_LIMIT;
            case "apiKeyExhausted" -> ProviderErrorCode.RATE_LIMIT;
            case "apiKeyInvalid", "apiKeyMissing", "apiKeyDisabled" ->
                ProviderErrorCode.UNAUTHORIZED;
            case "sourcesTooMany", "sourceDoesNotExist", "parametersMissing", "parameterInvalid" ->
                ProviderErrorCode.INVALID_RESPONSE;
            case "maximumResultsReached", "corsNotAllowed" -> ProviderErrorCode.NOT_ENTITLED;
            case "unexpectedError" -> ProviderErrorCode.NETWORK_ERROR;
            default -> StatusClassifier.classify(status).orElse(ProviderErrorCode.INVALID_RESPONSE);
          };
    }
    return Optional.of(
        AdapterResult.failure(
            mapped, AdapterSupport.truncate(code == null ? message : code + ": " + message)));
  }
}
