package io.marketgate.app.testkit;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Reads one sample from a Prometheus text scrape, whatever order its labels are written in. */
public final class MetricsScrape {
  private MetricsScrape() {}

  /** The value of the series {@code name} with exactly these labels ({@code k1, v1, k2, v2, …}). */
  public static Optional<Double> value(String scrape, String name, String... labels) {
    Map<String, String> wanted = new HashMap<>();
    for (int i = 0; i < labels.length; i += 2) wanted.put(labels[i], labels[i + 1]);
    for (String line : scrape.split("\n")) {
      if (line.startsWith("#") || !line.startsWith(name)) continue;
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      String seriesName = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
      if (seriesName.equals(name) && labelsOf(series).equals(wanted)) {
        return Optional.of(Double.parseDouble(line.substring(space + 1).trim()));
      }
    }
    return Optional.empty();
  }

  public static Optional<Double> fetch(TestNode node, String name, String... labels) {
    return value(Http.get(node.metricsUrl()).body(), name, labels);
  }

  public static Optional<Double> fetch(NodeExtension node, String name, String... labels) {
    return fetch(node.testNode(), name, labels);
  }

  private static Map<String, String> labelsOf(String series) {
    Map<String, String> labels = new HashMap<>();
    int open = series.indexOf('{');
    if (open < 0) return labels;
    for (String pair :
        series.substring(open + 1, series.length() - 1).split(",(?=[a-zA-Z_]+=\")")) {
      int eq = pair.indexOf('=');
      labels.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
    }
    return labels;
  }
}
