package io.marketgate.app.stream;

import io.marketgate.app.config.ProviderSettings;
import io.marketgate.app.config.StreamSettings;
import io.marketgate.app.stream.ibkr.IbkrStreamProvider;
import io.marketgate.app.stream.ibkr.IbkrStreamSource;
import io.marketgate.app.stream.polygon.PolygonStreamProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The stream providers a node's configuration gives: Polygon when it is configured or simulated and
 * has a key, IBKR when it is configured or simulated (its gateway holds the session).
 */
public final class ConfiguredStreams {
  private ConfiguredStreams() {}

  /**
   * @param providers every provider's settings, simulated ones already pointing at the simulator
   * @param simulated the providers the built-in simulator stands in for
   * @param simulatorBaseUrl the built-in simulator's base URL, when it runs
   */
  public static StreamProviders of(
      StreamSettings streams,
      java.util.Map<String, ProviderSettings> providers,
      Set<String> simulated,
      Optional<String> simulatorBaseUrl) {
    List<StreamProvider> list = new ArrayList<>();
    ProviderSettings polygon = providers.get("polygon");
    if (polygon != null && (polygon.configured() || simulated.contains("polygon"))) {
      String key =
          !streams.polygonKey().isBlank()
              ? streams.polygonKey()
              : polygon.apiKeys().isEmpty() ? "" : polygon.apiKeys().get(0);
      String url =
          !streams.polygonUrl().isBlank()
              ? streams.polygonUrl()
              : simulated.contains("polygon") && simulatorBaseUrl.isPresent()
                  ? webSocket(simulatorBaseUrl.get()) + "/polygon-ws/stocks"
                  : StreamSettings.POLYGON_DEFAULT_URL;
      if (!key.isBlank()) list.add(new PolygonStreamProvider(url, key, streams));
    }
    ProviderSettings ibkr = providers.get("ibkr");
    if (ibkr != null && (ibkr.configured() || simulated.contains("ibkr"))) {
      String url =
          !streams.ibkrUrl().isBlank() ? streams.ibkrUrl() : webSocket(ibkr.baseUrl()) + "/ws";
      list.add(
          new IbkrStreamProvider(
              url,
              new IbkrStreamSource.Limits(
                  ibkr.baseUrl(),
                  streams.ibkrMarketDataLines(),
                  streams.ibkrHistoryStreams(),
                  streams.ibkrTicInterval(),
                  ibkr.adapter().trustSelfSigned()),
              streams));
    }
    return new StreamProviders(list);
  }

  /** {@code http(s)://…} as {@code ws(s)://…}. */
  static String webSocket(String httpUrl) {
    return httpUrl.replaceFirst("^http", "ws");
  }
}
