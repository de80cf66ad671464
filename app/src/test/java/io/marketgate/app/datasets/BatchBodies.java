package io.marketgate.app.datasets;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Symbols and request bodies for the batch endpoint's tests. */
final class BatchBodies {
  private BatchBodies() {}

  /** {@code n} distinct symbols: the prefix followed by A, B, C, … */
  static List<String> symbols(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> prefix + (char) ('A' + i)).toList();
  }

  /** {@code {"symbols":[…]}} */
  static String body(List<String> symbols) {
    return symbols.stream()
        .map(s -> "\"" + s + "\"")
        .collect(Collectors.joining(",", "{\"symbols\":[", "]}"));
  }
}
