package io.marketgate.app.metrics;

import com.typesafe.config.Config;
import io.marketgate.persistence.dlq.DlqMetrics;
import io.marketgate.persistence.writer.BatchWriter;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.ProviderErrorCode;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.MeasurementUnit;
import kamon.tag.TagSet;

/**
 * The Prometheus metrics the README lists, kept through Kamon's manual API (Kamon appends {@code
 * _total} to counters and {@code _seconds} to time histograms when exporting). Kamon is one per
 * JVM, so several nodes in one test JVM share these series.
 */
public final class Metrics {
  private static final AtomicBoolean STARTED = new AtomicBoolean();

  /** Result label of {@code cache_requests_total}. */
  public enum CacheResult {
    HIT,
    MISS,
    STALE,
    COALESCED;

    final String label = name().toLowerCase(Locale.ROOT);
  }

  private final Map<Dataset, Map<CacheResult, Counter>> cacheRequests =
      new EnumMap<>(Dataset.class);
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final NodeCounters nodeCounters = new NodeCounters();

  private Metrics() {
    for (Dataset d : Dataset.values()) {
      Map<CacheResult, Counter> byResult = new EnumMap<>(CacheResult.class);
      for (CacheResult r : CacheResult.values()) {
        byResult.put(
            r,
            Kamon.counter("cache_requests")
                .withTags(
                    TagSet.builder().add("dataset", d.wireName()).add("result", r.label).build()));
      }
      cacheRequests.put(d, byResult);
    }
  }

  /** Starts Kamon once per JVM (no bytecode agent) and returns the node's metrics. */
  public static Metrics start(Config config) {
    if (STARTED.compareAndSet(false, true)) {
      Kamon.initWithoutAttaching(config);
    }
    return new Metrics();
  }

  public void cacheRequest(Dataset dataset, CacheResult result) {
    cacheRequests.get(dataset).get(result).increment();
    nodeCounters.cache(result);
  }

  /** This node's totals since start, for the telemetry endpoint. */
  public NodeCounters nodeCounters() {
    return nodeCounters;
  }

  /** One call sent to a provider, with its outcome ({@code ok} or the lower-case error code). */
  public void providerRequest(String provider, String endpoint, String status, long latencyNanos) {
    counter("provider_requests", "provider", provider, "endpoint", endpoint, "status", status)
        .increment();
    Kamon.histogram("provider_latency", MeasurementUnit.time().nanoseconds())
        .withTag("provider", provider)
        .record(latencyNanos);
  }

  public void providerError(String provider, ProviderErrorCode code) {
    counter("provider_errors", "provider", provider, "code", code.name()).increment();
  }

  /** 0 closed, 1 open, 2 half-open. */
  public void circuitBreakerState(String provider, int state) {
    Kamon.gauge("circuit_breaker_state").withTag("provider", provider).update(state);
  }

  /**
   * Seconds since the provider's breaker left closed (0 while closed): during an outage it
   * alternates between open and half-open, so alerts and status views watch this, not the state.
   */
  public void circuitBreakerNotClosed(String provider, double seconds) {
    Kamon.gauge("circuit_breaker_not_closed_seconds").withTag("provider", provider).update(seconds);
  }

  /**
   * {@code tls_certificate_expiry_timestamp_seconds}: when the node's cluster certificate expires
   * (Unix seconds), as it reads the files now.
   */
  public void tlsCertificateExpiry(java.time.Instant notAfter) {
    Kamon.gauge("tls_certificate_expiry_timestamp_seconds")
        .withoutTags()
        .update(notAfter.getEpochSecond());
  }

  public void circuitBreakerStateChange(String provider, String state) {
    counter("circuit_breaker_state_changes", "provider", provider, "state", state).increment();
  }

  /**
   * One batch request of {@code symbols} symbols, {@code cached} of them answered from cache,
   * {@code failed} not answered.
   */
  public void batch(int symbols, long cached, long failed) {
    counter("batch_requests").increment();
    counter("batch_symbols").increment(symbols);
    nodeCounters.batch(symbols, cached, failed);
  }

  /** {@code rights_denied_total{profile,dataset}}. */
  public void rightsDenied(String profile, Dataset dataset) {
    counter("rights_denied", "profile", profile, "dataset", dataset.wireName()).increment();
  }

  /**
   * {@code direct_fetches_total{dataset,result}}: a fetch this node made itself because the key's
   * entity was out of reach; {@code result} is fetched, not_found or failed.
   */
  public void directFetch(Dataset dataset, String result) {
    counter("direct_fetches", "dataset", dataset.wireName(), "result", result).increment();
  }

  /**
   * {@code stream_reconnects_total{provider}}: a provider's stream connection dropped and was
   * opened again.
   */
  public void streamReconnect(String provider) {
    counter("stream_reconnects", "provider", provider).increment();
  }

  /** {@code throttled_total{tier}}: a request refused for its client's rate. */
  public void throttled(String tier) {
    counter("throttled", "tier", tier).increment();
  }

  /**
   * Rows of a durable writer that were written or dropped ({@code
   * durable_rows_total{writer,result}}).
   */
  public BatchWriter.Metrics writerMetrics() {
    return new BatchWriter.Metrics() {
      @Override
      public void written(String writer, int rows) {
        counter("durable_rows", "writer", writer, "result", "written").increment(rows);
      }

      @Override
      public void dropped(String writer, int rows) {
        counter("durable_rows", "writer", writer, "result", "dropped").increment(rows);
      }
    };
  }

  /** {@code dlq_escalations_total} and {@code dlq_undelivered_total}. */
  public DlqMetrics dlqMetrics() {
    return new DlqMetrics() {
      @Override
      public void escalated() {
        counter("dlq_escalations").increment();
      }

      @Override
      public void undelivered() {
        counter("dlq_undelivered").increment();
      }
    };
  }

  /** {@code dlq_entries{status}}: entries of the whole cluster, as the read model counts them. */
  public void dlqEntries(String status, long count) {
    Kamon.gauge("dlq_entries").withTag("status", status).update(count);
  }

  private Counter counter(String name, String... tags) {
    return counters.computeIfAbsent(
        name + '\u0000' + String.join("\u0000", tags),
        key -> {
          TagSet.Builder builder = TagSet.builder();
          for (int i = 0; i < tags.length; i += 2) builder = builder.add(tags[i], tags[i + 1]);
          return Kamon.counter(name).withTags(builder.build());
        });
  }
}
