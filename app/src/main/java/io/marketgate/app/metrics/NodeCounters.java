package io.marketgate.app.metrics;

import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * This node's own counts since it started, for {@code GET /api/v1/telemetry}. Kamon's counters are
 * per JVM and reset at every scrape, so the totals a person asks for are kept here as well.
 */
public final class NodeCounters {
  private final Instant since = Instant.now();
  private final Map<Metrics.CacheResult, LongAdder> cache =
      new EnumMap<>(Metrics.CacheResult.class);
  private final LongAdder batchRequests = new LongAdder();
  private final LongAdder batchSymbols = new LongAdder();
  private final LongAdder batchCached = new LongAdder();
  private final LongAdder batchFailed = new LongAdder();

  NodeCounters() {
    for (Metrics.CacheResult r : Metrics.CacheResult.values()) cache.put(r, new LongAdder());
  }

  void cache(Metrics.CacheResult result) {
    cache.get(result).increment();
  }

  void batch(int symbols, long cached, long failed) {
    batchRequests.increment();
    batchSymbols.add(symbols);
    batchCached.add(cached);
    batchFailed.add(failed);
  }

  /**
   * The cache block: each result's count and {@code hit_rate}, hits over all lookups ({@code null}
   * before the first one). Coalesced requests waited for a fetch, so they are not hits.
   */
  public Map<String, Object> cacheView() {
    Map<String, Object> view = new LinkedHashMap<>();
    long total = 0;
    for (var e : cache.entrySet()) {
      long n = e.getValue().sum();
      view.put(e.getKey().label, n);
      total += n;
    }
    view.put("lookups", total);
    view.put(
        "hit_rate", total == 0 ? null : (double) cache.get(Metrics.CacheResult.HIT).sum() / total);
    return view;
  }

  public Map<String, Object> batchView() {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("requests", batchRequests.sum());
    view.put("symbols", batchSymbols.sum());
    view.put("cached", batchCached.sum());
    view.put("failed", batchFailed.sum());
    return view;
  }

  public Instant since() {
    return since;
  }
}
