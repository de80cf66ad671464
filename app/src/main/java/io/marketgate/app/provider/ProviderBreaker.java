package io.marketgate.app.provider;

import io.marketgate.app.config.ProviderSettings;
import io.marketgate.app.metrics.Metrics;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.pattern.CircuitBreaker;

/**
 * A provider's Pekko {@link CircuitBreaker} on this node, its generation (a reset replaces the
 * instance: there is no public force-close) and its state as the actor last heard it. Listeners run
 * on the breaker's executor, outside the actor, so they only {@code tell} it.
 */
final class ProviderBreaker {
  private final ActorContext<ProviderActor.Command> ctx;
  private final ProviderSettings settings;
  private final Metrics metrics;
  private CircuitBreaker current;
  private int generation;
  private BreakerState state = BreakerState.CLOSED;
  private long openEvents;

  ProviderBreaker(
      ActorContext<ProviderActor.Command> ctx, ProviderSettings settings, Metrics metrics) {
    this.ctx = ctx;
    this.settings = settings;
    this.metrics = metrics;
    metrics.circuitBreakerState(settings.name(), BreakerState.CLOSED.gaugeValue);
    replace();
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

  void transition(int gen, BreakerState next) {
    if (gen != generation || next == state) return;
    moveTo(next);
  }

  void reset() {
    replace();
    if (state != BreakerState.CLOSED) moveTo(BreakerState.CLOSED);
  }

  private void replace() {
    int gen = ++generation;
    ActorRef<ProviderActor.Command> self = ctx.getSelf();
    // withExponentialBackoff returns a new breaker: listeners go on that one.
    current =
        CircuitBreaker.create(
                ctx.getSystem().classicSystem().scheduler(),
                settings.breaker().threshold(),
                settings.timeout(),
                settings.breaker().resetTimeout())
            .withExponentialBackoff(settings.breaker().maxResetTimeout())
            .addOnOpenListener(
                () -> self.tell(new ProviderActor.BreakerTransition(gen, BreakerState.OPEN)))
            .addOnHalfOpenListener(
                () -> self.tell(new ProviderActor.BreakerTransition(gen, BreakerState.HALF_OPEN)))
            .addOnCloseListener(
                () -> self.tell(new ProviderActor.BreakerTransition(gen, BreakerState.CLOSED)));
  }

  private void moveTo(BreakerState next) {
    ctx.getLog().info("Circuit breaker of {} {} -> {}", settings.name(), state.label, next.label);
    state = next;
    if (next == BreakerState.OPEN) openEvents++;
    metrics.circuitBreakerState(settings.name(), next.gaugeValue);
    metrics.circuitBreakerStateChange(settings.name(), next.label);
  }
}
