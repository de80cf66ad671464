package io.marketgate.app.provider;

import io.marketgate.app.json.Json;
import io.marketgate.app.logging.OccasionalLog;
import io.marketgate.persistence.quota.ProviderQuota;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderErrorCode;
import java.time.DateTimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of one attempt: sends the adapter's request, lets the adapter read the answer, and
 * sends any follow-up it asks for (each with a quota permit of its own), all before the attempt's
 * deadline. Every call sent is written to the attempt's {@link Trace}. Parsing runs in the call's
 * future, off the actor. An exception of the adapter is the provider's INVALID_RESPONSE when the
 * answer breaks its format, and otherwise INTERNAL: a defect of ours, logged, that does not count
 * against the provider.
 */
final class ProviderExchange {
  private static final Logger LOG = LoggerFactory.getLogger(ProviderExchange.class);
  private static final int MAX_STEPS = 8;

  /** The calls one attempt sent, in order. */
  static final class Trace {
    record Call(String endpoint, long startNanos, long endNanos) {}

    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

    int started(String endpoint) {
      calls.add(new Call(endpoint, System.nanoTime(), 0));
      return calls.size() - 1;
    }

    void ended(int index) {
      Call c = calls.get(index);
      calls.set(index, new Call(c.endpoint(), c.startNanos(), System.nanoTime()));
    }

    List<Call> calls() {
      synchronized (calls) {
        return List.copyOf(calls);
      }
    }
  }

  private final String provider;
  private final OccasionalLog adapterDefects =
      new OccasionalLog(LOG, java.time.Duration.ofMinutes(1));
  private final String baseUrl;
  private final ProviderAdapter adapter;
  private final ProviderHttpClient http;
  private final ProviderQuota quota;
  private final Executor executor;

  ProviderExchange(
      String provider,
      String baseUrl,
      ProviderAdapter adapter,
      ProviderHttpClient http,
      ProviderQuota quota,
      Executor executor) {
    this.provider = provider;
    this.baseUrl = baseUrl;
    this.adapter = adapter;
    this.http = http;
    this.quota = quota;
    this.executor = executor;
  }

  CompletionStage<ProviderOutcome> fetch(
      FetchKey key, ProviderRequest request, long deadlineNanos, Trace trace) {
    return step(key, request, deadlineNanos, trace, 1);
  }

  private CompletionStage<ProviderOutcome> step(
      FetchKey key, ProviderRequest request, long deadlineNanos, Trace trace, int n) {
    int call = trace.started(request.endpoint());
    return get(request, deadlineNanos)
        .thenCompose(
            response -> {
              trace.ended(call);
              AdapterResult result;
              try {
                result = adapter.parse(key, request, response.status(), response.body());
              } catch (RuntimeException e) {
                result = adapterFailed(key.toString(), request.endpoint(), e);
              }
              if (!(result instanceof AdapterResult.FollowUp next))
                return CompletableFuture.completedFuture(outcome(result));
              if (n >= MAX_STEPS) {
                return done(
                    ProviderErrorCode.INVALID_RESPONSE,
                    "no answer after " + MAX_STEPS + " requests");
              }
              long remaining = deadlineNanos - System.nanoTime() - next.delay().toNanos();
              if (remaining <= 0)
                return done(ProviderErrorCode.TIMEOUT, "no data before the deadline");
              return quota
                  .tryAcquire(Duration.ofNanos(remaining))
                  .thenCompose(
                      granted ->
                          granted
                              ? later(next.delay())
                                  .thenCompose(
                                      v -> step(key, next.next(), deadlineNanos, trace, n + 1))
                              : CompletableFuture.completedFuture(
                                  ProviderOutcome.quotaExhausted(provider)));
            });
  }

  /** One multi-symbol quote call; one outcome per key. */
  CompletionStage<BatchOutcome> fetchBatch(
      BatchQuotes batchQuotes,
      List<FetchKey> keys,
      ProviderRequest request,
      long deadlineNanos,
      Trace trace) {
    int call = trace.started(request.endpoint());
    return get(request, deadlineNanos)
        .thenApply(
            response -> {
              trace.ended(call);
              Map<FetchKey, ProviderOutcome> outcomes = new LinkedHashMap<>();
              try {
                Map<String, AdapterResult> results =
                    batchQuotes.parseBatch(
                        keys.stream().map(FetchKey::symbol).toList(),
                        response.status(),
                        response.body());
                for (FetchKey key : keys) outcomes.put(key, outcome(results.get(key.symbol())));
              } catch (RuntimeException e) {
                String subject = "batch quote of " + keys.size() + " symbols, first " + keys.get(0);
                ProviderOutcome failed = outcome(adapterFailed(subject, request.endpoint(), e));
                for (FetchKey key : keys) outcomes.put(key, failed);
              }
              return new BatchOutcome(outcomes);
            });
  }

  /**
   * The answer of {@code endpoint} for {@code subject} made the adapter throw: the provider broke
   * its format (INVALID_RESPONSE), or the adapter has a defect (INTERNAL, logged here, at most once
   * a minute per provider with the count left out).
   */
  private AdapterResult adapterFailed(String subject, String endpoint, RuntimeException e) {
    if (e instanceof SchemaViolation
        || e instanceof NumberFormatException
        || e instanceof DateTimeException) {
      return AdapterResult.failure(
          ProviderErrorCode.INVALID_RESPONSE,
          "the answer breaks the provider's format: " + AdapterSupport.truncate(e.getMessage()));
    }
    adapterDefects.error(
        "The {} adapter failed on the {} answer for {}: a defect, counted as INTERNAL and not"
            + " against the provider",
        provider,
        endpoint,
        subject,
        e);
    return AdapterResult.failure(
        ProviderErrorCode.INTERNAL, "the adapter failed: " + e.getClass().getSimpleName());
  }

  private CompletionStage<ProviderHttpClient.RawResponse> get(
      ProviderRequest request, long deadlineNanos) {
    try {
      return http.get(
          baseUrl + request.pathAndQuery(),
          request.headers(),
          Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime())));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletionStage<Void> later(Duration delay) {
    if (delay.isZero() || delay.isNegative()) return CompletableFuture.completedFuture(null);
    return CompletableFuture.runAsync(
        () -> {},
        CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS, executor));
  }

  private CompletionStage<ProviderOutcome> done(ProviderErrorCode code, String message) {
    return CompletableFuture.completedFuture(ProviderOutcome.failed(provider, code, message));
  }

  private ProviderOutcome outcome(AdapterResult result) {
    if (result instanceof AdapterResult.Success s)
      return new ProviderOutcome.Fetched(provider, s.record(), Json.encode(s.record()));
    if (result instanceof AdapterResult.Failure f)
      return ProviderOutcome.failed(provider, f.code(), f.message(), f.retryAfter());
    if (result instanceof AdapterResult.FollowUp) {
      return ProviderOutcome.failed(
          provider,
          ProviderErrorCode.INVALID_RESPONSE,
          "a multi-symbol answer cannot ask for more");
    }
    return ProviderOutcome.failed(
        provider, ProviderErrorCode.NOT_FOUND, "no answer for this symbol");
  }
}
