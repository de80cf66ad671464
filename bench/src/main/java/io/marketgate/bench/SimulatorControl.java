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
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String simulator;
  private final String gateway;

  SimulatorControl(String simulatorBaseUrl, String gatewayBaseUrl) {
    this.simulator = simulatorBaseUrl;
    this.gateway = gatewayBaseUrl;
  }

  /** The simulator a gateway uses, found from the base URL its providers report. */
  static String discoverSimulator(String gatewayBaseUrl) {
    JsonNode providers = new SimulatorControl("", gatewayBaseUrl).getJson(gatewayBaseUrl + "/api/v1/providers").get("providers");
    String base = providers.get(0).get("base_url").asText();
    URI uri = URI.create(base);
    return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
  }

  void reset() {
    send(HttpRequest.newBuilder(URI.create(simulator + "/_sim/reset")).POST(HttpRequest.BodyPublishers.noBody()));
  }

  void fault(String provider, String json) {
    send(HttpRequest.newBuilder(URI.create(simulator + "/_sim/faults/" + provider))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  long calls() {
    return getJson(simulator + "/_sim/calls").get("total").asLong();
  }

  void resetBreakers() {
    for (String provider : new String[] {"fmp", "polygon"}) {
      send(HttpRequest.newBuilder(URI.create(gateway + "/api/v1/circuit-breakers/" + provider + "/reset"))
          .POST(HttpRequest.BodyPublishers.noBody()));
    }
  }

  /** GETs a URL until it answers 200 (at most 10 tries), for warming caches. */
  void warm(String url) {
    for (int i = 0; i < 10; i++) {
      if (status(HttpRequest.newBuilder(URI.create(url)).GET()) == 200) return;
    }
    throw new IllegalStateException("could not warm " + url);
  }

  JsonNode getJson(String url) {
    try {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new IllegalStateException("GET " + url + " failed", e);
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
      return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new IllegalStateException("control call failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
