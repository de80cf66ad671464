package io.marketgate.app.stream.pipeline;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What became of a pipeline's events, kept so that {@code received = written + dead_lettered +
 * dropped + in_flight} always holds: every event received ends in exactly one of the other three,
 * and until then it is in flight. Gaps are counted apart; they are no rows.
 */
public final class PipelineCounters {
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong gaps = new AtomicLong();
  private final AtomicLong lastEventAt = new AtomicLong();

  public void received(long n) {
    received.addAndGet(n);
  }

  public void written(long n) {
    written.addAndGet(n);
  }

  public void deadLettered(long n) {
    deadLettered.addAndGet(n);
  }

  public void dropped(long n) {
    dropped.addAndGet(n);
  }

  public void gap() {
    gaps.incrementAndGet();
  }

  public void eventAt(long epochMillis) {
    lastEventAt.accumulateAndGet(epochMillis, Math::max);
  }

  /** One consistent-enough reading: in flight is derived, so the identity holds by construction. */
  public Snapshot snapshot() {
    long w = written.get();
    long d = deadLettered.get();
    long x = dropped.get();
    long r = received.get();
    return new Snapshot(r, w, d, x, r - w - d - x, gaps.get(), lastEventAt.get());
  }

  public record Snapshot(
      long received,
      long written,
      long deadLettered,
      long dropped,
      long inFlight,
      long gaps,
      long lastEventAtMillis) {}
}
