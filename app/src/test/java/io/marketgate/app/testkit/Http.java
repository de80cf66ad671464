package io.marketgate.app.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A real HTTP client for tests: requests go over loopback sockets to the node under test. */
public final class Http {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private Http() {}

  /** A response with its body parsed as JSON when it is JSON. */
  public record Answer(int status, HttpResponse<byte[]> raw) {
    public JsonNode json() {
      return Json.parse(raw.body());
    }

    public String body() {
      return new String(raw.body(), StandardCharsets.UTF_8);
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  public static Answer get(String url, String... headers) {
    return send(request(url, headers).GET().build());
  }

  public static CompletableFuture<Answer> getAsync(String url, String... headers) {
    return CLIENT
        .sendAsync(request(url, headers).GET().build(), HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(Http::watched);
  }

  /** Every answer a test reads is checked for provider keys (headers and body). */
  private static Answer watched(HttpResponse<byte[]> r) {
    SecretWatch.inspect(
        "answer of " + r.uri(),
        r.headers().map() + "\n" + new String(r.body(), StandardCharsets.UTF_8));
    return new Answer(r.statusCode(), r);
  }

  public static Answer post(String url, String body, String... headers) {
    return send(
        request(url, headers)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  public static Answer put(String url, String body) {
    return send(
        request(url)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  public static Answer delete(String url) {
    return send(request(url).DELETE().build());
  }

  private static HttpRequest.Builder request(String url, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return b;
  }

  private static Answer send(HttpRequest request) {
    try {
      return watched(CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray()));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
