package io.marketgate.app.logging;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a condition that can recur on every request (an entity that does not answer during a
 * fail-over) at most once per interval, saying how many occurrences it left out meanwhile, so a
 * burst of requests cannot flood the log.
 */
public final class OccasionalLog {
  private final Logger log;
  private final long intervalNanos;
  private final AtomicLong nextAtNanos = new AtomicLong(System.nanoTime());
  private final AtomicLong skipped = new AtomicLong();

  public OccasionalLog(Logger log, Duration interval) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
  }

  /** A WARN line now, unless one was written within the interval. */
  public void warn(String format, Object... args) {
    long left = admit();
    if (left >= 0) log.warn(withLeftOut(format, left), args);
  }

  /** An ERROR line now (a trailing exception argument prints its trace), unless one was recent. */
  public void error(String format, Object... args) {
    long left = admit();
    if (left >= 0) log.error(withLeftOut(format, left), args);
  }

  /** How many lines were left out since the last one, or -1 when this one is left out too. */
  private long admit() {
    long now = System.nanoTime();
    long next = nextAtNanos.get();
    if (now - next < 0 || !nextAtNanos.compareAndSet(next, now + intervalNanos)) {
      skipped.incrementAndGet();
      return -1;
    }
    return skipped.getAndSet(0);
  }

  private static String withLeftOut(String format, long left) {
    return left == 0 ? format : format + " (and " + left + " more since the last such line)";
  }
}
