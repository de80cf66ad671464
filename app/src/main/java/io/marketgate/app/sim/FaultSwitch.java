package io.marketgate.app.sim;

import java.util.concurrent.atomic.AtomicReference;

/** The fault one provider plays now; a counted fault reverts to {@link Fault#NONE} when used up. */
final class FaultSwitch {
  private final AtomicReference<Fault> current = new AtomicReference<>(Fault.NONE);

  void set(Fault fault) {
    current.set(fault);
  }

  Fault current() {
    return current.get();
  }

  /** The fault for the next call, counting it down. */
  Fault next() {
    while (true) {
      Fault f = current.get();
      if (f.count() < 0) return f;
      Fault after = f.count() <= 1 ? Fault.NONE : f.times(f.count() - 1);
      if (current.compareAndSet(f, after)) return f.count() == 0 ? Fault.NONE : f;
    }
  }
}
