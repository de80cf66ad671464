package io.marketgate.app.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketgate.app.sim.CallLog;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Checks of the simulator's call log. */
public final class CallLogAssertions {
  private CallLogAssertions() {}

  /**
   * Calls for one symbol never overlap: each starts after the previous one ended (one fetch per key
   * at a time).
   */
  public static void assertNoOverlappingCallsPerKey(List<CallLog.Call> calls) {
    assertNoOverlappingCalls(calls, CallLog.Call::symbol);
  }

  /**
   * Calls for one symbol with one caller's key (one node, when each node has its own key) never
   * overlap.
   */
  public static void assertNoOverlappingCallsPerKeyAndCaller(List<CallLog.Call> calls) {
    assertNoOverlappingCalls(calls, c -> c.symbol() + " from " + c.caller());
  }

  private static void assertNoOverlappingCalls(
      List<CallLog.Call> calls, Function<CallLog.Call, String> group) {
    Map<String, CallLog.Call> last = new HashMap<>();
    calls.stream()
        .sorted(Comparator.comparingLong(CallLog.Call::startedAtMs))
        .forEach(
            c -> {
              CallLog.Call previous = last.put(group.apply(c), c);
              if (previous != null) {
                assertTrue(
                    previous.endedAtMs() > 0 && previous.endedAtMs() <= c.startedAtMs(),
                    "overlapping calls: " + previous + " and " + c);
              }
            });
  }
}
