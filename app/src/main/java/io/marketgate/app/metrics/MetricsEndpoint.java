package io.marketgate.app.metrics;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import kamon.prometheus.PrometheusReporter;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /metrics}: the latest Prometheus scrape Kamon's reporter produced (text format 0.0.4).
 */
public final class MetricsEndpoint {
  private static final ContentType PROMETHEUS_TEXT =
      ContentTypes.create(
          MediaTypes.customWithFixedCharset(
              "text", "plain", HttpCharsets.UTF_8, java.util.Map.of("version", "0.0.4"), false));

  private MetricsEndpoint() {}

  public static Route route() {
    return path(
        "metrics",
        () ->
            get(
                () -> {
                  String scrape =
                      PrometheusReporter.latestScrapeData().isDefined()
                          ? PrometheusReporter.latestScrapeData().get()
                          : "";
                  return complete(
                      HttpEntities.create(
                          PROMETHEUS_TEXT,
                          scrape.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                }));
  }
}
