package io.marketgate.protocol;

import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What one fetch asks for: a dataset for one symbol (or series id / query) with its parameters.
 * Parameters are kept in one canonical string ({@code a=1&b=2}, keys sorted) so that two requests
 * that mean the same thing coalesce and share a cache entry.
 */
public record FetchKey(Dataset dataset, String symbol, String params) implements CborSerializable {

  public FetchKey {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(symbol, "symbol");
    params = params == null ? "" : params;
  }

  public static FetchKey of(Dataset dataset, String symbol) {
    return new FetchKey(dataset, symbol, "");
  }

  public static FetchKey of(Dataset dataset, String symbol, Map<String, String> params) {
    SortedMap<String, String> sorted = new TreeMap<>(params);
    String canonical =
        sorted.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining("&"));
    return new FetchKey(dataset, symbol, canonical);
  }

  /** The parameters as a sorted map; empty when there are none. */
  public SortedMap<String, String> paramMap() {
    SortedMap<String, String> map = new TreeMap<>();
    if (params.isEmpty()) return map;
    for (String pair : params.split("&")) {
      int eq = pair.indexOf('=');
      map.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return map;
  }

  public String param(String name, String fallback) {
    return paramMap().getOrDefault(name, fallback);
  }

  /**
   * Human-readable and log-safe form, e.g. {@code quote:AAPL} or {@code
   * fundamentals:AAPL?period=annual}.
   */
  @Override
  public String toString() {
    return dataset.wireName() + ":" + symbol + (params.isEmpty() ? "" : "?" + params);
  }
}
