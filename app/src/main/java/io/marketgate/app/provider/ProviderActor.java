package io.marketgate.app.provider;

import io.marketgate.app.concurrent.Stages;
import io.marketgate.app.config.ProviderSettings;
import io.marketgate.app.metrics.Metrics;
import io.marketgate.persistence.audit.AuditEvent;
import io.marketgate.persistence.audit.AuditTrail;
import io.marketgate.persistence.quota.ProviderQuota;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.RequestOrigin;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
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
 * One provider on one node. Every call, of one symbol or many, goes through one pipeline: the
 * breaker (open: no call), a key from the key pool (least used, healthy), a permit of the
 * provider's request quota; then the call through the breaker, and afterwards the statistics,
 * metrics, audit rows and key health (a rate-limited key cools down, a rejected one is disabled,
 * and the cluster hears of it).
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
      FetchKey key, Duration timeout, RequestOrigin origin, ActorRef<ProviderOutcome> replyTo)
      implements Command {}

  /** Quotes of several symbols in one call of the provider's multi-symbol endpoint. */
  public record FetchBatch(
      List<FetchKey> keys, Duration timeout, RequestOrigin origin, ActorRef<BatchOutcome> replyTo)
      implements Command {}

  public record GetStatus(ActorRef<ProviderStatus> replyTo) implements Command {}

  /** Closes the breaker at once. */
  public record ResetBreaker(ActorRef<ProviderStatus> replyTo) implements Command {}

  record BreakerTransition(int generation, BreakerState state) implements Command {}

  /** Publishes how long the breaker has not been closed. */
  private enum ReportBreaker implements Command {
    INSTANCE
  }

  /** {@code trial}: the call the half-open breaker admitted. */
  private record AttemptDone<O>(
      Call<O> call,
      KeyPool.Lease key,
      ProviderExchange.Trace trace,
      boolean trial,
      O outcome,
      Throwable error)
      implements Command {}

  private record KeyNews(KeyEvents.KeyChanged change) implements Command {}

  /** What a provider actor needs besides its settings and adapter. */
  public record Wiring(
      ProviderHttpClient http,
      Metrics metrics,
      AuditTrail audit,
      ProviderQuota quota,
      Optional<ActorRef<Topic.Command<KeyEvents.KeyChanged>>> keyEvents) {}

  public static Behavior<Command> create(
      ProviderSettings settings, boolean simulated, ProviderAdapter adapter, Wiring wiring) {
    return create(settings, simulated, adapter, wiring, UnaryOperator.identity());
  }

  /**
   * With the supervised part wrapped by {@code wrap} (tests wrap it in a behaviour that fails, to
   * see supervision restart it).
   */
  static Behavior<Command> create(
      ProviderSettings settings,
      boolean simulated,
      ProviderAdapter adapter,
      Wiring wiring,
      UnaryOperator<Behavior<Command>> wrap) {
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
                  wrap.apply(
                      Behaviors.<Command>setup(
                          inner ->
                              Behaviors.withTimers(
                                  timers -> {
                                    timers.startTimerWithFixedDelay(
                                        ReportBreaker.INSTANCE, Duration.ofSeconds(1));
                                    return new Active(
                                            inner, settings, simulated, adapter, exchange, wiring,
                                            breaker, stats, keys)
                                        .receive();
                                  }))))
              .onFailure(
                  SupervisorStrategy.restartWithBackoff(
                          Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)
                      .withResetBackoffAfter(Duration.ofSeconds(30)));
        });
  }

  /** One call through the pipeline, of one symbol or of many: its outcome is {@code O}. */
  private interface Call<O> {
    /** What the call is about, for audit rows and logs. */
    String subject();

    RequestOrigin origin();

    Duration timeout();

    /** A refusal before anything else when the provider cannot make this call at all. */
    Optional<ProviderOutcome.Failed> unsupported();

    ProviderRequest request(String apiKey);

    CompletionStage<O> exchange(
        ProviderRequest request, long deadlineNanos, ProviderExchange.Trace trace);

    /** Whether the breaker counts the outcome against the provider. */
    boolean countsAsFailure(O outcome);

    /** {@code failure} as this call's outcome. */
    O failedWith(ProviderOutcome.Failed failure);

    /** The call as a whole, for statistics, metrics and key health. */
    ProviderOutcome representative(O outcome);

    void reply(O outcome);
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
          .onMessage(Fetch.class, fetch -> attempt(new Single(fetch)))
          .onMessage(FetchBatch.class, batch -> attempt(new Batch(batch)))
          .onMessage(AttemptDone.class, done -> finish((AttemptDone<?>) done))
          .onMessage(KeyNews.class, this::onKeyNews)
          .onMessage(
              BreakerTransition.class,
              t -> {
                breaker.transition(t.generation(), t.state());
                return Behaviors.same();
              })
          .onMessageEquals(
              ReportBreaker.INSTANCE,
              () -> {
                breaker.report();
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
          .build();
    }

    /** The pipeline: refusals without a call, then the call under breaker and quota permit. */
    private <O> Behavior<Command> attempt(Call<O> call) {
      long start = System.nanoTime();
      Optional<ProviderOutcome.Failed> unsupported = call.unsupported();
      if (unsupported.isPresent()) {
        call.reply(call.failedWith(unsupported.get()));
        return Behaviors.same();
      }
      boolean trial = breaker.state() == BreakerState.HALF_OPEN;
      Optional<ProviderOutcome.Failed> refused = refusal();
      Optional<KeyPool.Lease> key =
          refused.isPresent() ? Optional.empty() : keys.choose(System.currentTimeMillis());
      if (refused.isEmpty() && key.isEmpty()) {
        refused = Optional.of(keyShortage());
        if (trial) breaker.trialEnded();
      }
      if (refused.isPresent()) {
        wiring.metrics().providerError(settings.name(), refused.get().error().code());
        call.reply(call.failedWith(refused.get()));
        return Behaviors.same();
      }
      ProviderRequest request;
      try {
        request = call.request(key.get().secret());
      } catch (RuntimeException e) {
        if (trial) breaker.trialEnded();
        call.reply(call.failedWith(requestNotBuilt(call.subject(), e)));
        return Behaviors.same();
      }
      long deadline = start + min(call.timeout(), settings.timeout()).toNanos();
      ProviderExchange.Trace trace = new ProviderExchange.Trace();
      CompletionStage<O> result =
          withPermit(
              deadline,
              () ->
                  Stages.direct(
                      breaker
                          .current()
                          .callWithCircuitBreakerCS(
                              () -> call.exchange(request, deadline, trace),
                              (outcome, error) ->
                                  error.isPresent()
                                      || outcome.map(call::countsAsFailure).orElse(true))));
      ctx.pipeToSelf(
          result,
          (outcome, error) -> new AttemptDone<>(call, key.get(), trace, trial, outcome, error));
      return Behaviors.same();
    }

    private <O> Behavior<Command> finish(AttemptDone<O> done) {
      // A trial refused by the quota never reached the breaker, which stays half-open for the next.
      if (done.trial() && unwrap(done.error()) instanceof QuotaExhausted) breaker.trialEnded();
      Call<O> call = done.call();
      O outcome =
          done.outcome() != null ? done.outcome() : call.failedWith(failureOf(done.error()));
      afterAttempt(done.trace(), call.representative(outcome), done.key(), call);
      call.reply(outcome);
      return Behaviors.same();
    }

    /** An open breaker, or a half-open one with its trial under way, refuses without a call. */
    private Optional<ProviderOutcome.Failed> refusal() {
      if (breaker.admit()) return Optional.empty();
      stats.refusedByBreaker();
      return Optional.of(
          ProviderOutcome.refused(
              settings.name(), ProviderErrorCode.CIRCUIT_OPEN, "circuit breaker open"));
    }

    private ProviderOutcome.Failed keyShortage() {
      stats.refusedForKeys();
      return keys.shortage() == KeyPool.Shortage.ALL_DISABLED
          ? ProviderOutcome.refused(
              settings.name(),
              ProviderErrorCode.UNAUTHORIZED,
              "every key was rejected by the provider")
          : ProviderOutcome.refused(
              settings.name(),
              ProviderErrorCode.RATE_LIMIT,
              "every key is cooling down until " + Instant.ofEpochMilli(keys.nextUsableAt()));
    }

    /**
     * The adapter could not build the request: a defect of ours, logged (without the exception's
     * message, which may quote the key it was given) and counted as INTERNAL; no call is sent.
     */
    private ProviderOutcome.Failed requestNotBuilt(String subject, RuntimeException e) {
      StackTraceElement at = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
      ctx.getLog()
          .error(
              "The {} adapter could not build the request for {}: {} at {}; counted as INTERNAL",
              settings.name(),
              subject,
              e.getClass().getName(),
              at);
      wiring.metrics().providerError(settings.name(), ProviderErrorCode.INTERNAL);
      return ProviderOutcome.refused(
          settings.name(), ProviderErrorCode.INTERNAL, "the adapter could not build the request");
    }

    /**
     * {@code call} once the quota grants a permit before the deadline; a quota refusal otherwise,
     * without a call.
     */
    private <T> CompletionStage<T> withPermit(
        long deadlineNanos, Supplier<CompletionStage<T>> call) {
      return Stages.direct(
              wiring
                  .quota()
                  .tryAcquire(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()))))
          .thenCompose(
              granted ->
                  granted ? call.get() : CompletableFuture.failedFuture(new QuotaExhausted()));
    }

    /** Statistics, metrics, audit rows (one per call sent) and key health after an attempt. */
    private void afterAttempt(
        ProviderExchange.Trace trace, ProviderOutcome outcome, KeyPool.Lease key, Call<?> call) {
      List<ProviderExchange.Trace.Call> calls = trace.calls();
      long now = System.nanoTime();
      for (int i = 0; i < calls.size(); i++) {
        ProviderExchange.Trace.Call c = calls.get(i);
        String label = i < calls.size() - 1 ? "ok" : statusLabel(outcome);
        long latency = (c.endNanos() == 0 ? now : c.endNanos()) - c.startNanos();
        stats.sent(latency);
        wiring.metrics().providerRequest(settings.name(), c.endpoint(), label, latency);
        wiring
            .audit()
            .record(
                AuditEvent.providerCall(
                    settings.name(),
                    c.endpoint(),
                    call.subject(),
                    label,
                    latency / 1_000_000,
                    call.origin().client(),
                    call.origin().profile()));
      }
      if (outcome instanceof ProviderOutcome.Failed f) {
        wiring.metrics().providerError(settings.name(), f.error().code());
        if (f.local() && calls.isEmpty() && f.error().code() == ProviderErrorCode.RATE_LIMIT)
          stats.refusedByQuota();
        if (!f.local()) keyHealth(key, f);
      }
      if (!calls.isEmpty()) stats.answered(outcome, calls.get(0).endpoint());
    }

    /** A rate-limited key cools down, a rejected one is disabled; the other nodes hear of it. */
    private void keyHealth(KeyPool.Lease key, ProviderOutcome.Failed f) {
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

    private ProviderOutcome.Failed failureOf(Throwable error) {
      Throwable cause = unwrap(error);
      if (cause instanceof QuotaExhausted) return ProviderOutcome.quotaExhausted(settings.name());
      if (cause instanceof CircuitBreakerOpenException) {
        stats.refusedByBreaker();
        return ProviderOutcome.refused(
            settings.name(), ProviderErrorCode.CIRCUIT_OPEN, "circuit breaker open");
      }
      if (cause instanceof TimeoutException)
        return ProviderOutcome.failed(
            settings.name(), ProviderErrorCode.TIMEOUT, "no answer in time");
      return ProviderOutcome.failed(
          settings.name(),
          ProviderErrorCode.NETWORK_ERROR,
          cause == null ? "unknown" : cause.getClass().getSimpleName());
    }

    private ProviderStatus status() {
      return stats.status(
          settings,
          simulated,
          adapter.datasets(),
          breaker,
          keys.status(System.currentTimeMillis()));
    }

    /** One symbol's fetch. */
    private final class Single implements Call<ProviderOutcome> {
      private final Fetch fetch;

      Single(Fetch fetch) {
        this.fetch = fetch;
      }

      @Override
      public String subject() {
        return fetch.key().toString();
      }

      @Override
      public RequestOrigin origin() {
        return fetch.origin();
      }

      @Override
      public Duration timeout() {
        return fetch.timeout();
      }

      @Override
      public Optional<ProviderOutcome.Failed> unsupported() {
        if (adapter.datasets().contains(fetch.key().dataset())) return Optional.empty();
        return Optional.of(
            ProviderOutcome.failed(
                settings.name(),
                ProviderErrorCode.NOT_FOUND,
                "does not serve " + fetch.key().dataset().wireName()));
      }

      @Override
      public ProviderRequest request(String apiKey) {
        return adapter.request(fetch.key(), apiKey);
      }

      @Override
      public CompletionStage<ProviderOutcome> exchange(
          ProviderRequest request, long deadlineNanos, ProviderExchange.Trace trace) {
        return exchange.fetch(fetch.key(), request, deadlineNanos, trace);
      }

      @Override
      public boolean countsAsFailure(ProviderOutcome outcome) {
        return isProviderFailure(outcome);
      }

      @Override
      public ProviderOutcome failedWith(ProviderOutcome.Failed failure) {
        return failure;
      }

      @Override
      public ProviderOutcome representative(ProviderOutcome outcome) {
        return outcome;
      }

      @Override
      public void reply(ProviderOutcome outcome) {
        fetch.replyTo().tell(outcome);
      }
    }

    /** Several symbols' quotes in one multi-symbol call. */
    private final class Batch implements Call<BatchOutcome> {
      private final FetchBatch batch;

      Batch(FetchBatch batch) {
        this.batch = batch;
      }

      @Override
      public String subject() {
        return "batch:"
            + batch.keys().stream().map(FetchKey::symbol).collect(Collectors.joining(","));
      }

      @Override
      public RequestOrigin origin() {
        return batch.origin();
      }

      @Override
      public Duration timeout() {
        return batch.timeout();
      }

      @Override
      public Optional<ProviderOutcome.Failed> unsupported() {
        if (adapter instanceof BatchQuotes) return Optional.empty();
        return Optional.of(
            ProviderOutcome.failed(
                settings.name(), ProviderErrorCode.NOT_FOUND, "no multi-symbol quotes"));
      }

      @Override
      public ProviderRequest request(String apiKey) {
        return ((BatchQuotes) adapter)
            .batchRequest(batch.keys().stream().map(FetchKey::symbol).toList(), apiKey);
      }

      @Override
      public CompletionStage<BatchOutcome> exchange(
          ProviderRequest request, long deadlineNanos, ProviderExchange.Trace trace) {
        return exchange.fetchBatch(
            (BatchQuotes) adapter, batch.keys(), request, deadlineNanos, trace);
      }

      /** It counts when no symbol came back and the reason was a provider failure. */
      @Override
      public boolean countsAsFailure(BatchOutcome outcome) {
        return outcome.outcomes().values().stream()
                .noneMatch(o -> o instanceof ProviderOutcome.Fetched)
            && outcome.outcomes().values().stream().anyMatch(ProviderActor::isProviderFailure);
      }

      @Override
      public BatchOutcome failedWith(ProviderOutcome.Failed failure) {
        return BatchOutcome.all(batch.keys(), failure);
      }

      /** Fetched if any symbol came back, else the first symbol's failure. */
      @Override
      public ProviderOutcome representative(BatchOutcome outcome) {
        return outcome.outcomes().values().stream()
            .filter(o -> o instanceof ProviderOutcome.Fetched)
            .findFirst()
            .or(() -> outcome.outcomes().values().stream().findFirst())
            .orElse(
                ProviderOutcome.failed(settings.name(), ProviderErrorCode.NOT_FOUND, "no symbols"));
      }

      @Override
      public void reply(BatchOutcome outcome) {
        batch.replyTo().tell(outcome);
      }
    }
  }

  /** The quota refused a permit: no call was sent. */
  private static final class QuotaExhausted extends RuntimeException {
    QuotaExhausted() {
      super("request quota reached", null, false, false);
    }
  }

  /**
   * What the breaker counts: provider failures; NOT_FOUND, plan refusals, our own defects and local
   * refusals are not.
   */
  private static boolean isProviderFailure(ProviderOutcome o) {
    return o instanceof ProviderOutcome.Failed f
        && !f.local()
        && f.error().code().isProviderFailure();
  }

  private static String statusLabel(ProviderOutcome outcome) {
    return outcome instanceof ProviderOutcome.Failed f
        ? f.error().code().name().toLowerCase(Locale.ROOT)
        : "ok";
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
