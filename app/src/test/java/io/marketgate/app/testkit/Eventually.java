package io.marketgate.app.testkit;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/** Waits for a condition to become true, checking it every 50 ms, and fails after a timeout. */
public final class Eventually {
  private Eventually() {}

  public static void await(Duration timeout, String what, Callable<Boolean> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Throwable last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (Boolean.TRUE.equals(condition.call())) return;
        last = null;
      } catch (Exception | AssertionError e) {
        last = e;
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
    throw new AssertionError("Timed out after " + timeout + " waiting for " + what, last);
  }
}
