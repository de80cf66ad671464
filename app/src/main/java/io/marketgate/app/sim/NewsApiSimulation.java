package io.marketgate.app.sim;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * NewsAPI.org in its real format under {@code /newsapi/v2}: {@code /everything} and {@code
 * /top-headlines}, the key in {@code X-Api-Key} (or {@code ?apiKey=}), one {@code "[Removed]"}
 * article in every answer as NewsAPI sends them, and its {@code {"status":"error","code":…}}
 * errors.
 */
final class NewsApiSimulation implements ProviderFormat {
  static final String NAME = "newsapi";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Responder responder;

  NewsApiSimulation(Responder responder) {
    this.responder = responder;
  }

  Route route() {
    return pathPrefix(
        segment("newsapi").slash("v2"),
        () ->
            optionalHeaderValueByName(
                "X-Api-Key",
                header ->
                    parameterMap(
                        params -> {
                          boolean keyed =
                              validKey(header.or(() -> Optional.ofNullable(params.get("apiKey"))));
                          return concat(
                              path("everything", () -> articles("everything", params, keyed, 5)),
                              path(
                                  "top-headlines",
                                  () -> articles("top_headlines", params, keyed, 2)));
                        })));
  }

  private Route articles(String endpoint, Map<String, String> params, boolean keyed, int count) {
    String q = params.getOrDefault("q", "").toUpperCase(Locale.ROOT);
    return responder.respond(
        NAME,
        endpoint,
        q,
        this,
        invalid -> {
          if (!keyed) return unauthorized();
          if (q.isBlank())
            return error(
                400,
                "parametersMissing",
                "Required parameters are missing. Please set any of the following parameters and try again: q, qInTitle, sources, domains.");
          ArrayNode articles = NODES.arrayNode();
          if (SimulatedMarket.knows(q)) {
            for (int i = 0; i < count; i++) {
              ObjectNode a = articles.addObject();
              ObjectNode source = a.putObject("source");
              source.putNull("id");
              source.put("name", i % 2 == 0 ? "Business Daily" : "Finance Times Online");
              a.put("author", "Newsroom");
              a.put(
                  "title",
                  q + " headline " + i + " from the " + endpoint.replace('_', ' ') + " feed");
              a.put("description", "Coverage of " + q + ", item " + i + ".");
              a.put(
                  "url",
                  i == 0
                      ? SimulatedMarket.syndicatedStoryUrl(q)
                      : "https://press.example/"
                          + endpoint
                          + "/"
                          + q.toLowerCase(Locale.ROOT)
                          + "-"
                          + i);
              a.put("urlToImage", "https://press.example/img/" + i + ".jpg");
              a.put("publishedAt", "2026-11-2" + (1 - Math.min(i, 1)) + "T0" + i + ":45:00Z");
              a.put("content", "Coverage of " + q + "… [+2410 chars]");
            }
            ObjectNode removed = articles.addObject();
            removed.putObject("source").putNull("id").put("name", "[Removed]");
            removed.putNull("author");
            removed.put("title", "[Removed]");
            removed.put("description", "[Removed]");
            removed.put("url", "https://removed.com");
            removed.putNull("urlToImage");
            removed.put("publishedAt", "1970-01-01T00:00:00Z");
            removed.put("content", "[Removed]");
          }
          ObjectNode body = NODES.objectNode();
          body.put("status", "ok");
          body.put("totalResults", articles.size());
          body.set("articles", articles);
          return SimResponse.json(200, body);
        });
  }

  private static boolean validKey(Optional<String> key) {
    return key.filter(k -> !k.isBlank() && !k.startsWith("invalid")).isPresent();
  }

  private static SimResponse error(int status, String code, String message) {
    ObjectNode body = NODES.objectNode();
    body.put("status", "error");
    body.put("code", code);
    body.put("message", message);
    return SimResponse.json(status, body);
  }

  @Override
  public SimResponse rateLimited() {
    return error(
        429,
        "rateLimited",
        "You have made too many requests recently. Developer accounts are limited to 100 requests over a 24 hour period (50 requests available every 12 hours). Please upgrade to a paid plan if you need more requests.");
  }

  @Override
  public SimResponse errorWithStatus200() {
    return error(
        200,
        "unexpectedError",
        "This shouldn't happen, and if it does then it's our fault, not yours. Try the request again shortly.");
  }

  @Override
  public SimResponse unauthorized() {
    return error(
        401,
        "apiKeyInvalid",
        "Your API key is invalid or incorrect. Check your key, or go to https://newsapi.org to create a free API key.");
  }

  @Override
  public SimResponse notEntitled() {
    return error(
        426,
        "maximumResultsReached",
        "You have requested too many results. Developer accounts are limited to a max of 100 results. You are trying to request results 100 to 120. Please upgrade to a paid plan if you need more results.");
  }
}
