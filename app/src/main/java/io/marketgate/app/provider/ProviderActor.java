package io.marketgate.app.provider;

import io.marketgate.app.concurrent.Stages;
import io.marketgate.app.config.ProviderSettings;
import io.marketgate.app.json.Json;
import io.marketgate.app.metrics.Metrics;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderError;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.RequestOrigin;
import io.marketgate.persistence.audit.AuditEvent;
import io.marketgate.persistence.audit.AuditTrail;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.CircuitBreaker;
import org.apache.pekko.pattern.CircuitBreakerOpenException;

/**
 * One provider on one node: every call goes through this actor's Pekko {@link CircuitBreaker}
 * and is counted, timed and classified here. Parsing runs in the call's future, off the actor.
 *
 * <p>The breaker and the statistics live outside the supervised part, so a restart (with backoff)
 * of a failed behaviour keeps the provider's health history. Breaker listeners only {@code tell}
 * this actor (STACK trap 15).
 */
public final class ProviderActor {
  private ProviderActor() {}

  /** Node-local messages: they never cross the network. */
  public sealed interface Command extends NoSerializationVerificationNeeded {}

  /** Fetch {@code key}; the reply arrives within {@code timeout} (capped by the provider's own). */
  public record Fetch(FetchKey key, Duration timeout, RequestOrigin origin, ActorRef<Outcome> replyTo) implements Command {}

  /** Quotes of several symbols in one call of the provider's multi-symbol endpoint. */
  public record FetchBatch(List<FetchKey> keys, Duration timeout, RequestOrigin origin, ActorRef<BatchOutcome> replyTo)
      implements Command {}

  /** One outcome per key of a {@link FetchBatch}. */
  public record BatchOutcome(Map<FetchKey, Outcome> outcomes) implements NoSerializationVerificationNeeded {}

  public record GetStatus(ActorRef<ProviderStatus> replyTo) implements Command {}

  /** Closes the breaker at once (a new breaker instance: there is no public force-close). */
  public record ResetBreaker(ActorRef<ProviderStatus> replyTo) implements Command {}

  /** Test hook: makes the behaviour throw, to exercise supervision. */
  record Crash(String reason) implements Command {}

  private record AttemptDone(Fetch request, String endpoint, long startNanos, Outcome outcome, Throwable error)
      implements Command {}

  private record BatchDone(FetchBatch request, String endpoint, long startNanos, BatchOutcome outcome, Throwable error)
      implements Command {}

  private record BreakerTransition(int generation, BreakerState state) implements Command {}

  public sealed interface Outcome extends NoSerializationVerificationNeeded {}

  /** Normalised data: the record and its JSON encoding (what caches keep). */
  public record Fetched(String provider, Object record, byte[] data) implements Outcome {}

  public record Failed(ProviderError error) implements Outcome {}

  public static Behavior<Command> create(
      ProviderSettings settings,
      boolean simulated,
      ProviderAdapter adapter,
      ProviderHttpClient http,
      Metrics metrics,
      AuditTrail audit) {
    return Behaviors.setup(
        ctx -> {
          Breakers breakers = new Breakers(ctx, settings, metrics);
          ProviderStatistics stats = new ProviderStatistics();
          return Behaviors.supervise(
                  Behaviors.<Command>setup(
                      inner -> new Active(inner, settings, simulated, adapter, http, metrics, audit, breakers, stats).receive()))
              .onFailure(
                  SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)
                      .withResetBackoffAfter(Duration.ofSeconds(30)));
        });
  }

  /** The current breaker instance and its generation (a reset replaces both). */
  private static final class Breakers {
    private final ActorContext<Command> ctx;
    private final ProviderSettings settings;
    private final Metrics metrics;
    private CircuitBreaker current;
    private int generation;
    private BreakerState state = BreakerState.CLOSED;
    private long openEvents;

    Breakers(ActorContext<Command> ctx, ProviderSettings settings, Metrics metrics) {
      this.ctx = ctx;
      this.settings = settings;
      this.metrics = metrics;
      metrics.circuitBreakerState(settings.name(), BreakerState.CLOSED.gaugeValue);
      replace();
    }

    void replace() {
      int gen = ++generation;
      ActorRef<Command> self = ctx.getSelf();
      // withExponentialBackoff returns a new breaker: listeners go on that one.
      current =
          CircuitBreaker.create(
                  ctx.getSystem().classicSystem().scheduler(),
                  settings.breakerThreshold(),
                  settings.timeout(),
                  settings.breakerResetTimeout())
              .withExponentialBackoff(settings.breakerMaxResetTimeout())
              .addOnOpenListener(() -> self.tell(new BreakerTransition(gen, BreakerState.OPEN)))
              .addOnHalfOpenListener(() -> self.tell(new BreakerTransition(gen, BreakerState.HALF_OPEN)))
              .addOnCloseListener(() -> self.tell(new BreakerTransition(gen, BreakerState.CLOSED)));
    }

    void transition(int gen, BreakerState next) {
      if (gen != generation || next == state) return;
      moveTo(next);
    }

    void reset() {
      replace();
      if (state != BreakerState.CLOSED) moveTo(BreakerState.CLOSED);
    }

    private void moveTo(BreakerState next) {
      ctx.getLog().info("Circuit breaker of {} {} -> {}", settings.name(), state.label, next.label);
      state = next;
      if (next == BreakerState.OPEN) openEvents++;
      metrics.circuitBreakerState(settings.name(), next.gaugeValue);
      metrics.circuitBreakerStateChange(settings.name(), next.label);
    }
  }

  /** Counters for the operations endpoints; touched only by the actor. */
  private static final class ProviderStatistics {
    long attempts;
    long successes;
    long failures;
    long refusedByBreaker;
    long planRefusals;
    long latencyNanosTotal;
    long latencySamples;
    long lastLatencyNanos = -1;
    String lastError;
    /** Plan refusals (NOT_ENTITLED) by what was refused, for the operations view. */
    final Map<String, String> entitlementRefusals = new java.util.TreeMap<>();
  }

  private static final class Active {
    private final ActorContext<Command> ctx;
    private final ProviderSettings settings;
    private final boolean simulated;
    private final ProviderAdapter adapter;
    private final ProviderHttpClient http;
    private final Metrics metrics;
    private final AuditTrail audit;
    private final Breakers breakers;
    private final ProviderStatistics stats;

    Active(
        ActorContext<Command> ctx,
        ProviderSettings settings,
        boolean simulated,
        ProviderAdapter adapter,
        ProviderHttpClient http,
        Metrics metrics,
        AuditTrail audit,
        Breakers breakers,
        ProviderStatistics stats) {
      this.ctx = ctx;
      this.settings = settings;
      this.simulated = simulated;
      this.adapter = adapter;
      this.http = http;
      this.metrics = metrics;
      this.audit = audit;
      this.breakers = breakers;
      this.stats = stats;
    }

    Behavior<Command> receive() {
      return Behaviors.receive(Command.class)
          .onMessage(Fetch.class, this::onFetch)
          .onMessage(AttemptDone.class, this::onAttemptDone)
          .onMessage(FetchBatch.class, this::onFetchBatch)
          .onMessage(BatchDone.class, this::onBatchDone)
          .onMessage(BreakerTransition.class, this::onTransition)
          .onMessage(GetStatus.class, this::onGetStatus)
          .onMessage(ResetBreaker.class, this::onReset)
          .onMessage(Crash.class, this::onCrash)
          .build();
    }

    private Behavior<Command> onFetch(Fetch fetch) {
      long start = System.nanoTime();
      if (!adapter.datasets().contains(fetch.key().dataset())) {
        fetch.replyTo().tell(failed(ProviderErrorCode.NOT_FOUND, "does not serve " + fetch.key().dataset().wireName()));
        return Behaviors.same();
      }
      ProviderRequest request;
      try {
        request = adapter.request(fetch.key(), settings.primaryKey());
      } catch (RuntimeException e) {
        fetch.replyTo().tell(failed(ProviderErrorCode.INVALID_RESPONSE, "cannot build request: " + e.getClass().getSimpleName()));
        return Behaviors.same();
      }
      Duration timeout = fetch.timeout().compareTo(settings.timeout()) < 0 ? fetch.timeout() : settings.timeout();
      String url = settings.baseUrl() + request.pathAndQuery();
      CompletionStage<Outcome> call =
          Stages.direct(
              breakers.current.callWithCircuitBreakerCS(
                  () -> send(fetch.key(), url, request, timeout), ProviderActor::countsAsFailure));
      ctx.pipeToSelf(call, (outcome, error) -> new AttemptDone(fetch, request.endpoint(), start, outcome, error));
      return Behaviors.same();
    }

    private Behavior<Command> onFetchBatch(FetchBatch batch) {
      long start = System.nanoTime();
      BatchQuotes batchQuotes = adapter instanceof BatchQuotes b ? b : null;
      if (batchQuotes == null) {
        batch.replyTo().tell(allFailed(batch.keys(), failed(ProviderErrorCode.NOT_FOUND, "no multi-symbol quotes")));
        return Behaviors.same();
      }
      ProviderRequest request;
      try {
        request = batchQuotes.batchRequest(batch.keys().stream().map(FetchKey::symbol).toList(), settings.primaryKey());
      } catch (RuntimeException e) {
        batch.replyTo().tell(allFailed(batch.keys(), failed(ProviderErrorCode.INVALID_RESPONSE, "cannot build request")));
        return Behaviors.same();
      }
      Duration timeout = batch.timeout().compareTo(settings.timeout()) < 0 ? batch.timeout() : settings.timeout();
      String url = settings.baseUrl() + request.pathAndQuery();
      CompletionStage<BatchOutcome> call =
          Stages.direct(
              breakers.current.callWithCircuitBreakerCS(
                  () -> {
                    try {
                      return http.get(url, request.headers(), timeout).thenApply(r -> interpretBatch(batchQuotes, batch.keys(), r));
                    } catch (RuntimeException e) {
                      return CompletableFuture.failedFuture(e);
                    }
                  },
                  ProviderActor::batchCountsAsFailure));
      ctx.pipeToSelf(call, (outcome, error) -> new BatchDone(batch, request.endpoint(), start, outcome, error));
      return Behaviors.same();
    }

    private BatchOutcome interpretBatch(BatchQuotes batchQuotes, List<FetchKey> keys, ProviderHttpClient.RawResponse response) {
      Map<FetchKey, Outcome> outcomes = new LinkedHashMap<>();
      try {
        Map<String, AdapterResult> results =
            batchQuotes.parseBatch(keys.stream().map(FetchKey::symbol).toList(), response.status(), response.body());
        for (FetchKey key : keys) outcomes.put(key, toOutcome(results.get(key.symbol())));
      } catch (RuntimeException e) {
        for (FetchKey key : keys) outcomes.put(key, failed(ProviderErrorCode.INVALID_RESPONSE, "unreadable answer: " + e.getClass().getSimpleName()));
      }
      return new BatchOutcome(outcomes);
    }

    private Behavior<Command> onBatchDone(BatchDone done) {
      long latency = System.nanoTime() - done.startNanos();
      BatchOutcome outcome = done.outcome() != null ? done.outcome() : allFailed(done.request().keys(), failureOf(done.error()));
      boolean sent = !(unwrap(done.error()) instanceof CircuitBreakerOpenException);
      boolean anyFetched = outcome.outcomes().values().stream().anyMatch(o -> o instanceof Fetched);
      Outcome representative = anyFetched ? null : outcome.outcomes().values().stream().findFirst().orElse(null);
      String label = representative == null ? "ok" : statusLabel(representative);
      if (sent) {
        recordCall(done.endpoint(), label, latency,
            "batch:" + done.request().keys().stream().map(FetchKey::symbol).collect(java.util.stream.Collectors.joining(",")),
            done.request().origin());
        countOutcome(representative, done.endpoint());
      } else {
        stats.refusedByBreaker++;
      }
      if (representative instanceof Failed f) metrics.providerError(settings.name(), f.error().code());
      done.request().replyTo().tell(outcome);
      return Behaviors.same();
    }

    private BatchOutcome allFailed(List<FetchKey> keys, Failed failure) {
      Map<FetchKey, Outcome> outcomes = new LinkedHashMap<>();
      for (FetchKey k : keys) outcomes.put(k, failure);
      return new BatchOutcome(outcomes);
    }

    private Outcome toOutcome(AdapterResult result) {
      if (result instanceof AdapterResult.Success s) {
        return new Fetched(settings.name(), s.record(), Json.encode(s.record()));
      }
      if (result instanceof AdapterResult.Failure f) return failed(f.code(), f.message());
      return failed(ProviderErrorCode.NOT_FOUND, "no answer for this symbol");
    }

    private CompletionStage<Outcome> send(FetchKey key, String url, ProviderRequest request, Duration timeout) {
      try {
        return http.get(url, request.headers(), timeout).thenApply(response -> interpret(key, response));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    /** Runs in the call's future: any exception of the adapter becomes an INVALID_RESPONSE attempt. */
    private Outcome interpret(FetchKey key, ProviderHttpClient.RawResponse response) {
      try {
        return toOutcome(adapter.parse(key, response.status(), response.body()));
      } catch (RuntimeException e) {
        return failed(ProviderErrorCode.INVALID_RESPONSE, "unreadable answer: " + e.getClass().getSimpleName());
      }
    }

    private Behavior<Command> onAttemptDone(AttemptDone done) {
      long latency = System.nanoTime() - done.startNanos();
      Outcome outcome = done.outcome() != null ? done.outcome() : failureOf(done.error());
      boolean sent = !(unwrap(done.error()) instanceof CircuitBreakerOpenException);
      if (sent) {
        recordCall(done.endpoint(), statusLabel(outcome), latency, done.request().key().toString(), done.request().origin());
        countOutcome(outcome, done.endpoint());
      } else {
        stats.refusedByBreaker++;
      }
      if (outcome instanceof Failed f) metrics.providerError(settings.name(), f.error().code());
      done.request().replyTo().tell(outcome);
      return Behaviors.same();
    }

    /** One call sent: statistics, metrics and its audit row. */
    private void recordCall(String endpoint, String status, long latency, String subject, RequestOrigin origin) {
      stats.attempts++;
      stats.latencyNanosTotal += latency;
      stats.latencySamples++;
      stats.lastLatencyNanos = latency;
      metrics.providerRequest(settings.name(), endpoint, status, latency);
      audit.record(AuditEvent.providerCall(settings.name(), endpoint, subject, status, latency / 1_000_000, origin.client(), origin.profile()));
    }

    /**
     * A call that was sent: a success when the provider answered (with data, or that it knows no
     * such symbol), a plan refusal, or a failure.
     */
    private void countOutcome(Outcome outcome, String endpoint) {
      if (!(outcome instanceof Failed f)) {
        stats.successes++;
      } else if (f.error().code() == ProviderErrorCode.NOT_ENTITLED) {
        stats.planRefusals++;
        stats.entitlementRefusals.put(endpoint, f.error().message());
      } else if (f.error().code().isProviderFailure()) {
        stats.failures++;
        stats.lastError = f.error().code() + ": " + f.error().message();
      } else {
        stats.successes++;
      }
    }

    private Failed failureOf(Throwable error) {
      Throwable cause = unwrap(error);
      if (cause instanceof CircuitBreakerOpenException) {
        return failed(ProviderErrorCode.CIRCUIT_OPEN, "circuit breaker open");
      }
      if (cause instanceof TimeoutException) {
        return failed(ProviderErrorCode.TIMEOUT, "no answer in time");
      }
      return failed(ProviderErrorCode.NETWORK_ERROR, cause == null ? "unknown" : cause.getClass().getSimpleName());
    }

    private Behavior<Command> onTransition(BreakerTransition t) {
      breakers.transition(t.generation(), t.state());
      return Behaviors.same();
    }

    private Behavior<Command> onGetStatus(GetStatus get) {
      get.replyTo().tell(status());
      return Behaviors.same();
    }

    private Behavior<Command> onReset(ResetBreaker reset) {
      breakers.reset();
      reset.replyTo().tell(status());
      return Behaviors.same();
    }

    private Behavior<Command> onCrash(Crash crash) {
      throw new IllegalStateException("provider " + settings.name() + " crashed on request: " + crash.reason());
    }

    private ProviderStatus status() {
      return new ProviderStatus(
          settings.name(),
          true,
          simulated,
          settings.baseUrl(),
          adapter.datasets().stream().map(Dataset::wireName).sorted().toList(),
          breakers.state.label,
          breakers.current.currentFailureCount(),
          breakers.current.resetTimeout().toMillis(),
          stats.attempts,
          stats.successes,
          stats.failures,
          stats.refusedByBreaker,
          breakers.openEvents,
          stats.planRefusals,
          stats.lastError,
          stats.latencySamples == 0 ? null : stats.latencyNanosTotal / 1e6 / stats.latencySamples,
          stats.lastLatencyNanos < 0 ? null : stats.lastLatencyNanos / 1e6,
          Map.copyOf(stats.entitlementRefusals),
          settings.apiKeys().stream().map(ProviderStatus::maskKey).toList());
    }

    private Failed failed(ProviderErrorCode code, String message) {
      return ProviderActor.failed(settings.name(), code, message);
    }
  }

  static Failed failed(String provider, ProviderErrorCode code, String message) {
    return new Failed(new ProviderError(provider, code, message));
  }

  /** A batch counts against the provider when no symbol came back and the reason was a provider failure. */
  private static Boolean batchCountsAsFailure(Optional<BatchOutcome> outcome, Optional<Throwable> error) {
    if (error.isPresent()) return true;
    return outcome.map(b -> b.outcomes().values().stream().noneMatch(o -> o instanceof Fetched)
            && b.outcomes().values().stream().anyMatch(o -> o instanceof Failed f && f.error().code().isProviderFailure()))
        .orElse(true);
  }

  /** What the breaker counts: exceptions and provider failures; NOT_FOUND is an answer. */
  private static Boolean countsAsFailure(Optional<Outcome> outcome, Optional<Throwable> error) {
    if (error.isPresent()) return true;
    return outcome.map(o -> o instanceof Failed f && f.error().code().isProviderFailure()).orElse(true);
  }

  private static String statusLabel(Outcome outcome) {
    return outcome instanceof Failed f ? f.error().code().name().toLowerCase(Locale.ROOT) : "ok";
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
    return t;
  }
}
