package io.marketgate.app.http;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.json.Json;
import io.marketgate.app.testkit.FreePorts;
import io.marketgate.app.testkit.TestNode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAPI document served at {@code /api/v1/openapi.yaml} against the routes of a running node:
 * the document is valid OpenAPI 3, names exactly the operations the route classes declare, every
 * one of them answers on its port (as the admin client) with a status the document lists, the
 * methods it does not name are refused, and paths it does not name are not found.
 */
@ExtendWith(LogCapturingExtension.class)
class OpenApiContractTest {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH");
  private static final Map<String, String> SAMPLE_PARAMETERS =
      Map.of("symbol", "AAPL", "series_id", "GDP", "provider", "fmp", "id", "0123456789abcdef0123");

  private static TestNode node;
  private static int managementPort;
  private static OpenAPI document;

  @BeforeAll
  static void start() throws Exception {
    managementPort = FreePorts.next();
    node =
        TestNode.start(
            "pekko.management.http.hostname = \"127.0.0.1\"\npekko.management.http.port = "
                + managementPort);
    HttpResponse<String> served = send("GET", node.url("/api/v1/openapi.yaml"), null);
    assertEquals(200, served.statusCode());
    assertTrue(
        served.headers().firstValue("Content-Type").orElse("").startsWith("application/yaml"));
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(served.body(), null, options);
    assertEquals(
        List.of(),
        result.getMessages() == null ? List.of() : result.getMessages(),
        "a valid OpenAPI 3 document");
    document = result.getOpenAPI();
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  @Test
  void documentsExactlyTheDeclaredOperations() {
    Set<ApiOperation> documented = new HashSet<>();
    document
        .getPaths()
        .forEach(
            (path, item) ->
                item.readOperationsMap()
                    .keySet()
                    .forEach(method -> documented.add(new ApiOperation(method.name(), path))));
    Set<ApiOperation> declared = new HashSet<>(ApiOperation.all());
    Set<ApiOperation> undocumented = new LinkedHashSet<>(declared);
    undocumented.removeAll(documented);
    Set<ApiOperation> unserved = new LinkedHashSet<>(documented);
    unserved.removeAll(declared);
    assertEquals(Set.of(), undocumented, "served but not documented");
    assertEquals(Set.of(), unserved, "documented but not served");
  }

  @Test
  void everyDocumentedOperationAnswersWithADocumentedStatus() throws Exception {
    for (var entry : document.getPaths().entrySet()) {
      for (var op : entry.getValue().readOperationsMap().entrySet()) {
        String method = op.getKey().name();
        HttpResponse<String> response =
            send(
                method,
                url(entry.getKey(), entry.getValue()) + sampleQuery(entry.getKey()),
                sampleBody(method, entry.getKey()));
        String what =
            method + " " + entry.getKey() + " -> " + response.statusCode() + " " + response.body();
        assertFalse(isRouteMiss(response), what);
        assertTrue(
            documentedStatuses(op.getValue()).contains(Integer.toString(response.statusCode())),
            what);
      }
    }
  }

  @Test
  void undocumentedMethodsOnDocumentedPathsAreRefused() throws Exception {
    for (var entry : document.getPaths().entrySet()) {
      if (entry.getValue().getServers() != null) continue;
      Set<String> allowed = new HashSet<>();
      String concrete = concrete(entry.getKey());
      document
          .getPaths()
          .forEach(
              (path, item) -> {
                if (template(path).matcher(concrete).matches())
                  item.readOperationsMap().keySet().forEach(m -> allowed.add(m.name()));
              });
      for (String method : METHODS) {
        if (allowed.contains(method)) continue;
        HttpResponse<String> response =
            send(
                method,
                node.url(concrete),
                method.equals("GET") || method.equals("DELETE") ? null : "{}");
        assertEquals(
            405, response.statusCode(), method + " " + concrete + " -> " + response.body());
        assertTrue(
            response.headers().firstValue("Allow").isPresent(), "405 names the allowed methods");
      }
    }
  }

  @Test
  void pathsTheDocumentDoesNotNameAreNotFound() throws Exception {
    List<String> candidates =
        List.of(
            "/",
            "/api",
            "/api/v1",
            "/api/v1/",
            "/api/v1/quotes",
            "/api/v1/quotes/",
            "/api/v1/cluster",
            "/api/v1/api-keys/fmp",
            "/api/v1/health",
            "/api/v1/metrics",
            "/api/v1/dlq/0123456789abcdef0123",
            "/api/v1/circuit-breakers/fmp",
            "/api/v1/economic",
            "/api/v1/search/apple",
            "/api/v2/quotes/AAPL",
            "/api/v1/openapi.json",
            "/metrics",
            "/alive");
    for (String path : candidates) {
      boolean documented =
          document.getPaths().entrySet().stream()
              .anyMatch(
                  e ->
                      e.getValue().getServers() == null
                          && template(e.getKey()).matcher(path).matches());
      if (documented) continue;
      HttpResponse<String> response = send("GET", node.url(path), null);
      assertTrue(
          isRouteMiss(response),
          "GET " + path + " -> " + response.statusCode() + " " + response.body());
    }
  }

  /** The route tree's own 404: no route matched (not a 404 about a resource). */
  private static boolean isRouteMiss(HttpResponse<String> response) {
    if (response.statusCode() == 405) return true;
    if (response.statusCode() != 404) return false;
    JsonNode body = Json.parse(response.body().getBytes(StandardCharsets.UTF_8));
    return body.path("type").asText().equals("/problems/not-found");
  }

  private static Set<String> documentedStatuses(Operation operation) {
    return operation.getResponses().keySet();
  }

  private static String url(String path, PathItem item) {
    String concrete = concrete(path);
    if (item.getServers() == null) return node.url(concrete);
    int documentedPort = URI.create(item.getServers().get(0).getUrl()).getPort();
    int port =
        switch (documentedPort) {
          case 7626 -> managementPort;
          case 9095 -> node.node().metrics().getPort();
          default -> throw new AssertionError("no test port for " + documentedPort);
        };
    return "http://127.0.0.1:" + port + concrete;
  }

  private static String concrete(String template) {
    String path = template;
    for (var p : SAMPLE_PARAMETERS.entrySet())
      path = path.replace("{" + p.getKey() + "}", p.getValue());
    assertFalse(path.contains("{"), "a sample value for every path parameter of " + template);
    return path;
  }

  /**
   * A path template as a pattern; an empty parameter still selects the operation (which answers
   * 400).
   */
  private static Pattern template(String path) {
    return Pattern.compile(Pattern.quote(path).replaceAll("\\{[a-z_]+}", "\\\\E[^/]*\\\\Q"));
  }

  private static String sampleQuery(String path) {
    return path.equals("/api/v1/search") ? "?q=apple" : "";
  }

  private static String sampleBody(String method, String path) {
    if (!method.equals("POST")) return null;
    return path.equals("/api/v1/quotes/batch") ? "{\"symbols\":[\"AAPL\",\"MSFT\"]}" : "";
  }

  private static HttpResponse<String> send(String method, String url, String body)
      throws Exception {
    // As the admin client, which may use every operation of the API.
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .header("X-API-Key", TestNode.ADMIN_KEY);
    request =
        body == null
            ? request.method(method, HttpRequest.BodyPublishers.noBody())
            : request
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
