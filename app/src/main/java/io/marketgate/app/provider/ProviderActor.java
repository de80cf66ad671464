package io.marketgate.app.provider;

import io.marketgate.app.concurrent.Stages;
import io.marketgate.app.config.ProviderSettings;
import io.marketgate.app.metrics.Metrics;
import io.marketgate.persistence.audit.AuditEvent;
import io.marketgate.persistence.audit.AuditTrail;
import io.marketgate.persistence.quota.ProviderQuota;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderError;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.RequestOrigin;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.pattern.CircuitBreakerOpenException;

/**
 * One provider on one node. Before a call: the breaker (open: no call), a key from the key pool
 * (least used, healthy), and a permit of the provider's request quota; then the call through the
 * breaker, and afterwards the statistics, metrics, audit row and key health (a rate-limited key
 * cools down, a rejected one is disabled, and the cluster hears of it).
 *
 * <p>The breaker, key pool and statistics live outside the supervised part, so a restart (with
 * backoff) of a failed behaviour keeps the provider's health history.
 */
public final class ProviderActor {
  private ProviderActor() {}

  /** Node-local messages: they never cross the network. */
  public sealed interface Command extends NoSerializationVerificationNeeded {}

  /** Fetch {@code key}; the reply arrives within {@code timeout} (capped by the provider's own). */
  public record Fetch(
      FetchKey key, Duration timeout, RequestOrigin origin, ActorRef<Outcome> replyTo)
      implements Command {}

  /** Quotes of several symbols in one call of the provider's multi-symbol endpoint. */
  public record FetchBatch(
      List<FetchKey> keys, Duration timeout, RequestOrigin origin, ActorRef<BatchOutcome> replyTo)
      implements Command {}

  /** One outcome per key of a {@link FetchBatch}. */
  public record BatchOutcome(Map<FetchKey, Outcome> outcomes)
      implements NoSerializationVerificationNeeded {}

  public record GetStatus(ActorRef<ProviderStatus> replyTo) implements Command {}

  /** Closes the breaker at once. */
  public record ResetBreaker(ActorRef<ProviderStatus> replyTo) implements Command {}

  /** Test hook: makes the behaviour throw, to exercise supervision. */
  record Crash(String reason) implements Command {}

  record BreakerTransition(int generation, BreakerState state) implements Command {}

  private record AttemptDone(
      Fetch request,
      KeyPool.Lease key,
      long startNanos,
      ProviderExchange.Trace trace,
      Outcome outcome,
      Throwable error)
      implements Command {}

  private record BatchDone(
      FetchBatch request,
      KeyPool.Lease key,
      long startNanos,
      ProviderExchange.Trace trace,
      BatchOutcome outcome,
      Throwable error)
      implements Command {}

  private record KeyNews(KeyEvents.KeyChanged change) implements Command {}

  public sealed interface Outcome extends NoSerializationVerificationNeeded {}

  /** Normalised data: the record and its JSON encoding (what caches keep). */
  public record Fetched(String provider, Object record, byte[] data) implements Outcome {}

  /**
   * @param retryAfter when the provider says the key may be used again, or null
   */
  public record Failed(ProviderError error, Duration retryAfter) implements Outcome {
    public Failed(ProviderError error) {
      this(error, null);
    }

    /** Decided here without asking the provider (see {@link ProviderError#local}). */
    public boolean local() {
      return error.local();
    }
  }

  /** What a provider actor needs besides its settings and adapter. */
  public record Wiring(
      ProviderHttpClient http,
      Metrics metrics,
      AuditTrail audit,
      ProviderQuota quota,
      Optional<ActorRef<Topic.Command<KeyEvents.KeyChanged>>> keyEvents) {}

  public static Behavior<Command> create(
      ProviderSettings settings, boolean simulated, ProviderAdapter adapter, Wiring wiring) {
    return Behaviors.setup(
        ctx -> {
          ProviderBreaker breaker = new ProviderBreaker(ctx, settings, wiring.metrics());
          ProviderStatistics stats = new ProviderStatistics();
          KeyPool keys = new KeyPool(settings.apiKeys());
          wiring
              .keyEvents()
              .ifPresent(
                  topic ->
                      topic.tell(
                          Topic.subscribe(
                              ctx.messageAdapter(KeyEvents.KeyChanged.class, KeyNews::new))));
          ProviderExchange exchange =
              new ProviderExchange(
                  settings.name(),
                  settings.baseUrl(),
                  adapter,
                  wiring.http(),
                  wiring.quota(),
                  ctx.getExecutionContext());
          return Behaviors.supervise(
                  Behaviors.<Command>setup(
                      inner ->
                          new Active(
                                  inner, settings, simulated, adapter, exchange, wiring, breaker,
                                  stats, keys)
                              .receive()))
              .onFailure(
                  SupervisorStrategy.restartWithBackoff(
                          Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)
                      .withResetBackoffAfter(Duration.ofSeconds(30)));
        });
  }

  private static final class Active {
    private final ActorContext<Command> ctx;
    private final ProviderSettings settings;
    private final boolean simulated;
    private final ProviderAdapter adapter;
    private final ProviderExchange exchange;
    private final Wiring wiring;
    private final ProviderBreaker breaker;
    private final ProviderStatistics stats;
    private final KeyPool keys;

    Active(
        ActorContext<Command> ctx,
        ProviderSettings settings,
        boolean simulated,
        ProviderAdapter adapter,
        ProviderExchange exchange,
        Wiring wiring,
        ProviderBreaker breaker,
        ProviderStatistics stats,
        KeyPool keys) {
      this.ctx = ctx;
      this.settings = settings;
      this.simulated = simulated;
      this.adapter = adapter;
      this.exchange = exchange;
      this.wiring = wiring;
      this.breaker = breaker;
      this.stats = stats;
      this.keys = keys;
    }

    Behavior<Command> receive() {
      return Behaviors.receive(Command.class)
          .onMessage(Fetch.class, this::onFetch)
          .onMessage(AttemptDone.class, this::onAttemptDone)
          .onMessage(FetchBatch.class, this::onFetchBatch)
          .onMessage(BatchDone.class, this::onBatchDone)
          .onMessage(KeyNews.class, this::onKeyNews)
          .onMessage(
              BreakerTransition.class,
              t -> {
                breaker.transition(t.generation(), t.state());
                return Behaviors.same();
              })
          .onMessage(
              GetStatus.class,
              get -> {
                get.replyTo().tell(status());
                return Behaviors.same();
              })
          .onMessage(
              ResetBreaker.class,
              reset -> {
                breaker.reset();
                reset.replyTo().tell(status());
                return Behaviors.same();
              })
          .onMessage(
              Crash.class,
              crash -> {
                throw new IllegalStateException(
                    "provider " + settings.name() + " crashed on request: " + crash.reason());
              })
          .build();
    }

    private Behavior<Command> onFetch(Fetch fetch) {
      long start = System.nanoTime();
      if (!adapter.datasets().contains(fetch.key().dataset())) {
        fetch
            .replyTo()
            .tell(
                failed(
                    ProviderErrorCode.NOT_FOUND,
                    "does not serve " + fetch.key().dataset().wireName()));
        return Behaviors.same();
      }
      Optional<Failed> refused = refusal();
      Optional<KeyPool.Lease> key =
          refused.isPresent() ? Optional.empty() : keys.choose(System.currentTimeMillis());
      if (refused.isEmpty() && key.isEmpty()) refused = Optional.of(keyShortage());
      if (refused.isPresent()) {
        metrics().providerError(settings.name(), refused.get().error().code());
        fetch.replyTo().tell(refused.get());
        return Behaviors.same();
      }
      ProviderRequest request;
      try {
        request = adapter.request(fetch.key(), key.get().secret());
      } catch (RuntimeException e) {
        fetch.replyTo().tell(requestNotBuilt(fetch.key().toString(), e));
        return Behaviors.same();
      }
      long deadline = start + min(fetch.timeout(), settings.timeout()).toNanos();
      ProviderExchange.Trace trace = new ProviderExchange.Trace();
      CompletionStage<Outcome> call =
          withPermit(
              deadline,
              () ->
                  Stages.direct(
                      breaker
                          .current()
                          .callWithCircuitBreakerCS(
                              () -> exchange.fetch(fetch.key(), request, deadline, trace),
                              ProviderActor::countsAsFailure)));
      ctx.pipeToSelf(
          call,
          (outcome, error) -> new AttemptDone(fetch, key.get(), start, trace, outcome, error));
      return Behaviors.same();
    }

    private Behavior<Command> onFetchBatch(FetchBatch batch) {
      long start = System.nanoTime();
      BatchQuotes batchQuotes = adapter instanceof BatchQuotes b ? b : null;
      if (batchQuotes == null) {
        batch
            .replyTo()
            .tell(
                allFailed(
                    batch.keys(), failed(ProviderErrorCode.NOT_FOUND, "no multi-symbol quotes")));
        return Behaviors.same();
      }
      Optional<Failed> refused = refusal();
      Optional<KeyPool.Lease> key =
          refused.isPresent() ? Optional.empty() : keys.choose(System.currentTimeMillis());
      if (refused.isEmpty() && key.isEmpty()) refused = Optional.of(keyShortage());
      if (refused.isPresent()) {
        metrics().providerError(settings.name(), refused.get().error().code());
        batch.replyTo().tell(allFailed(batch.keys(), refused.get()));
        return Behaviors.same();
      }
      ProviderRequest request;
      try {
        request =
            batchQuotes.batchRequest(
                batch.keys().stream().map(FetchKey::symbol).toList(), key.get().secret());
      } catch (RuntimeException e) {
        batch
            .replyTo()
            .tell(
                allFailed(
                    batch.keys(),
                    requestNotBuilt("a batch quote of " + batch.keys().size() + " symbols", e)));
        return Behaviors.same();
      }
      long deadline = start + min(batch.timeout(), settings.timeout()).toNanos();
      ProviderExchange.Trace trace = new ProviderExchange.Trace();
      CompletionStage<BatchOutcome> call =
          withPermit(
              deadline,
              () ->
                  Stages.direct(
                      breaker
                          .current()
                          .callWithCircuitBreakerCS(
                              () ->
                                  exchange.fetchBatch(
                                      batchQuotes, batch.keys(), request, deadline, trace),
                              ProviderActor::batchCountsAsFailure)));
      ctx.pipeToSelf(
          call, (outcome, error) -> new BatchDone(batch, key.get(), start, trace, outcome, error));
      return Behaviors.same();
    }

    /**
     * The adapter could not build the request: a defect of ours, logged (without the exception's
     * message, which may quote the key it was given) and counted as INTERNAL; no call is sent.
     */
    private Failed requestNotBuilt(String subject, RuntimeException e) {
      StackTraceElement at = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
      ctx.getLog()
          .error(
              "The {} adapter could not build the request for {}: {} at {}; counted as INTERNAL",
              settings.name(),
              subject,
              e.getClass().getName(),
              at);
      metrics().providerError(settings.name(), ProviderErrorCode.INTERNAL);
      return local(ProviderErrorCode.INTERNAL, "the adapter could not build the request");
    }

    /** An open breaker refuses without a call. */
    private Optional<Failed> refusal() {
      if (breaker.state() != BreakerState.OPEN) return Optional.empty();
      stats.refusedByBreaker++;
      return Optional.of(local(ProviderErrorCode.CIRCUIT_OPEN, "circuit breaker open"));
    }

    private Failed keyShortage() {
      stats.refusedForKeys++;
      return keys.shortage() == KeyPool.Shortage.ALL_DISABLED
          ? local(ProviderErrorCode.UNAUTHORIZED, "every key was rejected by the provider")
          : local(
              ProviderErrorCode.RATE_LIMIT,
              "every key is cooling down until " + Instant.ofEpochMilli(keys.nextUsableAt()));
    }

    /**
     * {@code call} once the quota grants a permit before the deadline; a quota refusal otherwise,
     * without a call.
     */
    private <T> CompletionStage<T> withPermit(
        long deadlineNanos, java.util.function.Supplier<CompletionStage<T>> call) {
      return Stages.direct(
              wiring
                  .quota()
                  .tryAcquire(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()))))
          .thenCompose(
              granted ->
                  granted ? call.get() : CompletableFuture.failedFuture(new QuotaExhausted()));
    }

    private Behavior<Command> onAttemptDone(AttemptDone done) {
      Outcome outcome = done.outcome() != null ? done.outcome() : failureOf(done.error());
      String subject = done.request().key().toString();
      afterAttempt(done.trace(), outcome, done.key(), subject, done.request().origin());
      done.request().replyTo().tell(outcome);
      return Behaviors.same();
    }

    private Behavior<Command> onBatchDone(BatchDone done) {
      BatchOutcome outcome =
          done.outcome() != null
              ? done.outcome()
              : allFailed(done.request().keys(), failureOf(done.error()));
      boolean anyFetched = outcome.outcomes().values().stream().anyMatch(o -> o instanceof Fetched);
      // The call as a whole: fetched if any symbol came back, else the first symbol's failure.
      Outcome representative =
          anyFetched
              ? outcome.outcomes().values().stream()
                  .filter(o -> o instanceof Fetched)
                  .findFirst()
                  .get()
              : outcome.outcomes().values().stream()
                  .findFirst()
                  .orElse(failed(ProviderErrorCode.NOT_FOUND, "no symbols"));
      String subject =
          "batch:"
              + done.request().keys().stream()
                  .map(FetchKey::symbol)
                  .collect(Collectors.joining(","));
      afterAttempt(done.trace(), representative, done.key(), subject, done.request().origin());
      done.request().replyTo().tell(outcome);
      return Behaviors.same();
    }

    /** Statistics, metrics, audit rows (one per call sent) and key health after an attempt. */
    private void afterAttempt(
        ProviderExchange.Trace trace,
        Outcome outcome,
        KeyPool.Lease key,
        String subject,
        RequestOrigin origin) {
      List<ProviderExchange.Trace.Call> calls = trace.calls();
      long now = System.nanoTime();
      for (int i = 0; i < calls.size(); i++) {
        ProviderExchange.Trace.Call c = calls.get(i);
        String label = i < calls.size() - 1 ? "ok" : statusLabel(outcome);
        long latency = (c.endNanos() == 0 ? now : c.endNanos()) - c.startNanos();
        stats.call(latency);
        wiring.metrics().providerRequest(settings.name(), c.endpoint(), label, latency);
        wiring
            .audit()
            .record(
                AuditEvent.providerCall(
                    settings.name(),
                    c.endpoint(),
                    subject,
                    label,
                    latency / 1_000_000,
                    origin.client(),
                    origin.profile()));
      }
      if (outcome instanceof Failed f) {
        wiring.metrics().providerError(settings.name(), f.error().code());
        if (f.local() && calls.isEmpty() && f.error().code() == ProviderErrorCode.RATE_LIMIT)
          stats.refusedByQuota++;
        if (!f.local()) keyHealth(key, f);
      }
      if (!calls.isEmpty()) countOutcome(outcome, calls.get(0).endpoint());
    }

    /** A rate-limited key cools down, a rejected one is disabled; the other nodes hear of it. */
    private void keyHealth(KeyPool.Lease key, Failed f) {
      if (key.fingerprint().isEmpty()) return;
      long now = System.currentTimeMillis();
      if (f.error().code() == ProviderErrorCode.RATE_LIMIT) {
        Duration cooldown = f.retryAfter() != null ? f.retryAfter() : settings.keyCooldown();
        long until = now + cooldown.toMillis();
        if (keys.coolDown(key.fingerprint(), until, true)) {
          ctx.getLog()
              .warn(
                  "A key of {} was rate-limited; cooling down until {}",
                  settings.name(),
                  Instant.ofEpochMilli(until));
          publish(new KeyEvents.KeyChanged(settings.name(), key.fingerprint(), until, null));
        }
      } else if (f.error().code() == ProviderErrorCode.UNAUTHORIZED) {
        if (keys.disable(key.fingerprint(), f.error().message())) {
          ctx.getLog()
              .error(
                  "A key of {} was rejected and is disabled: {}",
                  settings.name(),
                  f.error().message());
          publish(
              new KeyEvents.KeyChanged(settings.name(), key.fingerprint(), 0, f.error().message()));
        }
      }
    }

    private void publish(KeyEvents.KeyChanged change) {
      wiring.keyEvents().ifPresent(topic -> topic.tell(Topic.publish(change)));
    }

    private Behavior<Command> onKeyNews(KeyNews news) {
      KeyEvents.KeyChanged c = news.change();
      if (!c.provider().equals(settings.name())) return Behaviors.same();
      if (c.disabledReason() != null) keys.disable(c.fingerprint(), c.disabledReason());
      else keys.coolDown(c.fingerprint(), c.coolingUntilMillis(), false);
      return Behaviors.same();
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
      if (cause instanceof QuotaExhausted) return quotaExhausted(settings.name());
      if (cause instanceof CircuitBreakerOpenException) {
        stats.refusedByBreaker++;
        return local(ProviderErrorCode.CIRCUIT_OPEN, "circuit breaker open");
      }
      if (cause instanceof TimeoutException)
        return failed(ProviderErrorCode.TIMEOUT, "no answer in time");
      return failed(
          ProviderErrorCode.NETWORK_ERROR,
          cause == null ? "unknown" : cause.getClass().getSimpleName());
    }

    private Metrics metrics() {
      return wiring.metrics();
    }

    private ProviderStatus status() {
      long now = System.currentTimeMillis();
      return new ProviderStatus(
          settings.name(),
          simulated,
          settings.baseUrl(),
          adapter.datasets().stream().map(Dataset::wireName).sorted().toList(),
          breaker.state().label,
          breaker.current().currentFailureCount(),
          breaker.current().resetTimeout().toMillis(),
          stats.attempts,
          stats.successes,
          stats.failures,
          stats.refusedByBreaker,
          stats.refusedByQuota,
          stats.refusedForKeys,
          breaker.openEvents(),
          stats.planRefusals,
          settings.rateLimitPerMinute(),
          settings.dailyLimit(),
          stats.lastError,
          stats.averageLatencyMillis(),
          stats.lastLatencyMillis(),
          Map.copyOf(stats.entitlementRefusals),
          keys.status(now));
    }

    private Failed failed(ProviderErrorCode code, String message) {
      return ProviderActor.failed(settings.name(), code, message);
    }

    private Failed local(ProviderErrorCode code, String message) {
      return new Failed(new ProviderError(settings.name(), code, message, true));
    }
  }

  /** The quota refused a permit: no call was sent. */
  private static final class QuotaExhausted extends RuntimeException {
    QuotaExhausted() {
      super("request quota reached", null, false, false);
    }
  }

  static Failed failed(String provider, ProviderErrorCode code, String message) {
    return new Failed(new ProviderError(provider, code, message));
  }

  static Failed failed(
      String provider, ProviderErrorCode code, String message, Duration retryAfter) {
    return new Failed(new ProviderError(provider, code, message), retryAfter);
  }

  /**
   * The cluster-wide request quota of the provider is used up for now: a RATE_LIMIT without a call.
   */
  static Failed quotaExhausted(String provider) {
    return new Failed(
        new ProviderError(
            provider, ProviderErrorCode.RATE_LIMIT, "request quota reached; no call sent", true));
  }

  private static BatchOutcome allFailed(List<FetchKey> keys, Outcome failure) {
    Map<FetchKey, Outcome> outcomes = new LinkedHashMap<>();
    for (FetchKey k : keys) outcomes.put(k, failure);
    return new BatchOutcome(outcomes);
  }

  /**
   * A batch counts against the provider when no symbol came back and the reason was a provider
   * failure.
   */
  private static Boolean batchCountsAsFailure(
      Optional<BatchOutcome> outcome, Optional<Throwable> error) {
    if (error.isPresent()) return true;
    return outcome
        .map(
            b ->
                b.outcomes().values().stream().noneMatch(o -> o instanceof Fetched)
                    && b.outcomes().values().stream().anyMatch(ProviderActor::isProviderFailure))
        .orElse(true);
  }

  /**
   * What the breaker counts: exceptions and provider failures; NOT_FOUND, plan refusals and local
   * refusals are not.
   */
  private static Boolean countsAsFailure(Optional<Outcome> outcome, Optional<Throwable> error) {
    if (error.isPresent()) return true;
    return outcome.map(ProviderActor::isProviderFailure).orElse(true);
  }

  private static boolean isProviderFailure(Outcome o) {
    return o instanceof Failed f && !f.local() && f.error().code().isProviderFailure();
  }

  private static String statusLabel(Outcome outcome) {
    return outcome instanceof Failed f ? f.error().code().name().toLowerCase(Locale.ROOT) : "ok";
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
    return t;
  }
}
