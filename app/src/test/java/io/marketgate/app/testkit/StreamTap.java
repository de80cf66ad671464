package io.marketgate.app.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A reader of {@code GET /api/v1/streams/{provider}/tap} as an operator would run it: each line
 * parsed as it arrives, on a thread of its own; {@link #next} waits for the next one.
 */
public final class StreamTap implements AutoCloseable {
  private final LinkedBlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();
  private final Thread reader;
  private volatile Stream<String> body;

  private StreamTap(String url) {
    reader =
        new Thread(
            () -> {
              try {
                HttpResponse<Stream<String>> response =
                    HttpClient.newHttpClient()
                        .send(
                            HttpRequest.newBuilder(URI.create(url))
                                .header("X-API-Key", TestNode.ADMIN_KEY)
                                .build(),
                            HttpResponse.BodyHandlers.ofLines());
                if (response.statusCode() != 200)
                  lines.add(
                      Json.mapper()
                          .createObjectNode()
                          .put("event", "http-" + response.statusCode()));
                body = response.body();
                body.forEach(line -> lines.add(parse(line)));
              } catch (IOException | InterruptedException | RuntimeException e) {
                // Closed by the test, or the node went away: the test sees no further line.
              }
            },
            "stream-tap");
    reader.setDaemon(true);
    reader.start();
  }

  /** Opens the tap at {@code baseUrl} for a channel of some symbols. */
  public static StreamTap open(String baseUrl, String provider, String channel, String symbols) {
    return new StreamTap(
        baseUrl
            + "/api/v1/streams/"
            + provider
            + "/tap?channel="
            + channel
            + "&symbols="
            + symbols);
  }

  private static JsonNode parse(String line) {
    try {
      return Json.mapper().readTree(line);
    } catch (IOException e) {
      throw new AssertionError("a tap line that is not JSON: " + line, e);
    }
  }

  /** The next line, or an AssertionError after {@code within}. */
  public JsonNode next(Duration within) {
    try {
      JsonNode line = lines.poll(within.toMillis(), TimeUnit.MILLISECONDS);
      if (line == null) throw new AssertionError("no tap line within " + within);
      return line;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next line whose {@code event} is {@code event}, skipping others. */
  public JsonNode nextEvent(String event, Duration within) {
    long end = System.nanoTime() + within.toNanos();
    while (true) {
      JsonNode line = next(Duration.ofNanos(Math.max(1, end - System.nanoTime())));
      if (line.path("event").asText().equals(event)) return line;
    }
  }

  @Override
  public void close() {
    Stream<String> b = body;
    if (b != null) b.close();
    reader.interrupt();
  }
}
