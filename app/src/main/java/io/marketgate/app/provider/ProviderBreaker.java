package io.marketgate.app.provider;

import io.marketgate.app.config.ProviderSettings;
import io.marketgate.app.metrics.Metrics;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.pattern.CircuitBreaker;

/**
 * A provider's Pekko {@link CircuitBreaker} on this node, its generation (a reset replaces the
 * instance: there is no public force-close), its state as the actor last heard it, and since when
 * it has not been closed. Listeners run on the breaker's executor, outside the actor, so they only
 * {@code tell} it.
 *
 * <p>Open for the probe interval, then half-open: this node admits one trial call (a caller's
 * request or a dead-letter retry, drawing on the quota like any call), and refuses the others
 * without a call or a quota permit until the trial's outcome closes the breaker or opens it again
 * for twice as long, up to the cap ({@link ProviderSettings.Breaker}).
 *
 * <p>Pekko's exponential backoff never reaches its cap (it keeps the last period below it: 5, 10,
 * 20, 40, 40 s for a cap of 60 s), so when doubling would reach the cap this replaces the breaker
 * by one whose open period is the cap and opens it: 5, 10, 20, 40, 60, 60 s. A close returns to the
 * probe interval.
 */
final class ProviderBreaker {
  private final ActorContext<ProviderActor.Command> ctx;
  private final ProviderSettings settings;
  private final Metrics metrics;
  private CircuitBreaker current;
  private int generation;
  private BreakerState state = BreakerState.CLOSED;
  private long openEvents;
  private long notClosedSinceNanos;
  private boolean trialInFlight;

  /** How long the breaker is open this time; the cap once {@link #capped}. */
  private Duration openPeriod;

  private boolean capped;

  ProviderBreaker(
      ActorContext<ProviderActor.Command> ctx, ProviderSettings settings, Metrics metrics) {
    this.ctx = ctx;
    this.settings = settings;
    this.metrics = metrics;
    metrics.circuitBreakerState(settings.name(), BreakerState.CLOSED.gaugeValue);
    metrics.circuitBreakerNotClosed(settings.name(), 0);
    replace(false);
  }

  CircuitBreaker current() {
    return current;
  }

  BreakerState state() {
    return state;
  }

  long openEvents() {
    return openEvents;
  }

  /** The open period now: the probe interval at first, doubled by failed trials up to the cap. */
  Duration openPeriod() {
    return openPeriod;
  }

  /**
   * Whether a call may go now: always while closed, never while open, and while half-open only the
   * one trial (the caller then holds it until the breaker moves, or {@link #trialEnded}).
   */
  boolean admit() {
    return switch (state) {
      case CLOSED -> true;
      case OPEN -> false;
      case HALF_OPEN -> {
        if (trialInFlight) yield false;
        trialInFlight = true;
        yield true;
      }
    };
  }

  /** The admitted trial ended without reaching the breaker (e.g. no quota permit). */
  void trialEnded() {
    trialInFlight = false;
  }

  /** How long the breaker has not been closed; zero while closed. */
  Duration notClosed() {
    return state == BreakerState.CLOSED
        ? Duration.ZERO
        : Duration.ofNanos(System.nanoTime() - notClosedSinceNanos);
  }

  /** Publishes {@code circuit_breaker_not_closed_seconds}: on every transition and every tick. */
  void report() {
    metrics.circuitBreakerNotClosed(settings.name(), notClosed().toMillis() / 1000.0);
  }

  void transition(int gen, BreakerState next) {
    if (gen != generation || next == state) return;
    BreakerState previous = state;
    moveTo(next);
    ProviderSettings.Breaker b = settings.breaker();
    if (next == BreakerState.OPEN && previous != BreakerState.CLOSED && !capped) {
      Duration doubled = openPeriod.multipliedBy(2);
      if (doubled.compareTo(b.maxOpen()) < 0) {
        openPeriod = doubled;
      } else {
        replace(true);
        for (int i = 0; i < b.threshold(); i++) current.fail();
      }
    } else if (next == BreakerState.CLOSED && capped) {
      replace(false);
    }
  }

  void reset() {
    replace(false);
    if (state != BreakerState.CLOSED) moveTo(BreakerState.CLOSED);
  }

  /**
   * A new breaker instance (its generation's listeners are the ones heard from now on), closed:
   * opening after the probe interval with backoff, or, {@code atCap}, for the cap each time.
   */
  private void replace(boolean atCap) {
    int gen = ++generation;
    ActorRef<ProviderActor.Command> self = ctx.getSelf();
    ProviderSettings.Breaker b = settings.breaker();
    capped = atCap;
    openPeriod = atCap ? b.maxOpen() : b.probeInterval();
    CircuitBreaker created =
        CircuitBreaker.create(
            ctx.getSystem().classicSystem().scheduler(),
            b.threshold(),
            settings.timeout(),
            openPeriod);
    // withExponentialBackoff returns a new breaker: listeners go on that one.
    current =
        (atCap ? created : created.withExponentialBackoff(b.maxOpen()))
            .addOnOpenListener(
                () -> self.tell(new ProviderActor.BreakerTransition(gen, BreakerState.OPEN)))
            .addOnHalfOpenListener(
                () -> self.tell(new ProviderActor.BreakerTransition(gen, BreakerState.HALF_OPEN)))
            .addOnCloseListener(
                () -> self.tell(new ProviderActor.BreakerTransition(gen, BreakerState.CLOSED)));
  }

  private void moveTo(BreakerState next) {
    ctx.getLog().info("Circuit breaker of {} {} -> {}", settings.name(), state.label, next.label);
    if (state == BreakerState.CLOSED) notClosedSinceNanos = System.nanoTime();
    state = next;
    trialInFlight = false;
    if (next == BreakerState.OPEN) openEvents++;
    metrics.circuitBreakerState(settings.name(), next.gaugeValue);
    metrics.circuitBreakerStateChange(settings.name(), next.label);
    report();
  }
}
