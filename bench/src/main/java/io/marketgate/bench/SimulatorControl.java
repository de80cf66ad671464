package io.marketgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Drives the provider simulator's control endpoints and the gateway's operations endpoints. */
final class SimulatorControl {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String simulator;
  private final String gateway;
  private final String apiKey;
  private final String adminKey;

  SimulatorControl(String simulatorBaseUrl, String gatewayBaseUrl, String apiKey, String adminKey) {
    this.simulator = simulatorBaseUrl;
    this.gateway = gatewayBaseUrl;
    this.apiKey = apiKey;
    this.adminKey = adminKey;
  }

  /** The simulator a gateway uses, found from the base URL its providers report. */
  static String discoverSimulator(String gatewayBaseUrl, String adminKey) {
    JsonNode providers =
        new SimulatorControl("", gatewayBaseUrl, null, adminKey)
            .getJson(gatewayBaseUrl + "/api/v1/providers")
            .get("providers");
    String base = providers.get(0).get("base_url").asText();
    URI uri = URI.create(base);
    return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
  }

  void reset() {
    send(
        HttpRequest.newBuilder(URI.create(simulator + "/_sim/reset"))
            .POST(HttpRequest.BodyPublishers.noBody()));
  }

  void fault(String provider, String json) {
    send(
        HttpRequest.newBuilder(URI.create(simulator + "/_sim/faults/" + provider))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  long calls() {
    return getJson(simulator + "/_sim/calls").get("total").asLong();
  }

  void resetBreakers() {
    for (String provider : new String[] {"fmp", "polygon"}) {
      send(
          withKey(
                  HttpRequest.newBuilder(
                      URI.create(gateway + "/api/v1/circuit-breakers/" + provider + "/reset")),
                  adminKey)
              .POST(HttpRequest.BodyPublishers.noBody()));
    }
  }

  /** GETs a URL until it answers 200 (at most 10 tries), for warming caches. */
  void warm(String url) {
    for (int i = 0; i < 10; i++) {
      if (status(withKey(HttpRequest.newBuilder(URI.create(url)), apiKey).GET()) == 200) return;
    }
    throw new IllegalStateException("could not warm " + url);
  }

  JsonNode getJson(String url) {
    try {
      HttpRequest request =
          withKey(
                  HttpRequest.newBuilder(URI.create(url)),
                  url.startsWith(gateway) ? adminKey : null)
              .GET()
              .build();
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new IllegalStateException("GET " + url + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HttpRequest.Builder withKey(HttpRequest.Builder request, String key) {
    return key == null ? request : request.header("X-API-Key", key);
  }

  /** A data request as the benchmark's caller: the status and whether the answer was fresh. */
  record Fetched(int status, boolean fresh) {}

  Fetched fetch(String url) {
    try {
      HttpResponse<String> response =
          client.send(
              withKey(HttpRequest.newBuilder(URI.create(url)), apiKey)
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      boolean fresh =
          response.statusCode() == 200 && !JSON.readTree(response.body()).get("stale").asBoolean();
      return new Fetched(response.statusCode(), fresh);
    } catch (IOException e) {
      throw new IllegalStateException("request failed: " + url, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void send(HttpRequest.Builder request) {
    int status = status(request);
    if (status >= 300) throw new IllegalStateException("control call answered " + status);
  }

  private int status(HttpRequest.Builder request) {
    try {
      return client
          .send(
              request.timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      throw new IllegalStateException("control call failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
