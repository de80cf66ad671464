package io.marketgate.bench.load;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What a load run measured: completed responses by status, transport errors, and a latency
 * histogram in microseconds over the measured window.
 */
public final class LoadResult {
  private final Histogram latencyMicros;
  private final Map<Integer, Long> statuses;
  private final long errors;
  private final Duration window;
  private final long lastCompletionNanos;

  LoadResult(
      Histogram latencyMicros,
      Map<Integer, Long> statuses,
      long errors,
      Duration window,
      long lastCompletionNanos) {
    this.latencyMicros = latencyMicros;
    this.statuses = new TreeMap<>(statuses);
    this.errors = errors;
    this.window = window;
    this.lastCompletionNanos = lastCompletionNanos;
  }

  public long completed() {
    return latencyMicros.getTotalCount();
  }

  public long count(int status) {
    return statuses.getOrDefault(status, 0L);
  }

  public Map<Integer, Long> statuses() {
    return statuses;
  }

  public long errors() {
    return errors;
  }

  public Duration window() {
    return window;
  }

  /** Responses per second over the measured window. */
  public double throughput() {
    return completed() / (window.toNanos() / 1e9);
  }

  /** A latency percentile (0–100) in milliseconds. */
  public double percentileMillis(double percentile) {
    return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
  }

  public double maxMillis() {
    return latencyMicros.getMaxValue() / 1000.0;
  }

  /** Nanos timestamp ({@link System#nanoTime()}) of the last completed response. */
  public long lastCompletionNanos() {
    return lastCompletionNanos;
  }

  public Histogram histogram() {
    return latencyMicros.copy();
  }

  @Override
  public String toString() {
    return String.format(
        "%d responses in %.1f s (%.0f/s), p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms, statuses %s, errors %d",
        completed(),
        window.toNanos() / 1e9,
        throughput(),
        percentileMillis(50),
        percentileMillis(99),
        percentileMillis(99.9),
        maxMillis(),
        statuses,
        errors);
  }
}
