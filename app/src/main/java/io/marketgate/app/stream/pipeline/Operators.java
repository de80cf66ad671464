package io.marketgate.app.stream.pipeline;

import io.marketgate.protocol.stream.StreamEvent;
import io.marketgate.protocol.stream.StreamGap;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.ThrottleMode;
import org.apache.pekko.stream.javadsl.Flow;

/** The stateless-to-configure operators of a pipeline, as reusable flows of stream events. */
public final class Operators {
  private Operators() {}

  /**
   * At most {@code rate} events a second after a burst of {@code burst}: the flow slows its
   * upstream (shaping), it drops nothing.
   */
  public static Flow<StreamEvent, StreamEvent, NotUsed> throttle(int rate, int burst) {
    if (rate <= 0 || burst < 0)
      throw new IllegalArgumentException("throttle: rate must be positive and burst not negative");
    return Flow.<StreamEvent>create()
        .throttle(rate, Duration.ofSeconds(1), burst, ThrottleMode.shaping());
  }

  /**
   * Drops an event whose storage key was seen within {@code ttl} of event time: the newest event
   * time seen is the clock, so the same input always gives the same output. Gaps pass.
   */
  public static Flow<StreamEvent, StreamEvent, NotUsed> deduplicate(Duration ttl) {
    if (ttl.isNegative() || ttl.isZero())
      throw new IllegalArgumentException("deduplicate: ttl must be positive");
    return Flow.<StreamEvent>create()
        .statefulMapConcat(
            () -> {
              Set<StorageKey> seen = new HashSet<>();
              Deque<StorageKey> byTime = new ArrayDeque<>();
              Instant[] newest = {Instant.MIN};
              return event -> {
                if (event instanceof StreamGap) return List.of(event);
                if (event.eventTime().isAfter(newest[0])) newest[0] = event.eventTime();
                Instant horizon = newest[0].minus(ttl);
                // Keys older than the horizon are forgotten (they arrive mostly in time order).
                while (!byTime.isEmpty() && byTime.peekFirst().ts().isBefore(horizon))
                  seen.remove(byTime.pollFirst());
                StorageKey key = StorageKey.of(event);
                if (key.ts().isBefore(horizon)) return List.of(event); // beyond the TTL: passes
                if (!seen.add(key)) return List.of();
                byTime.addLast(key);
                return List.of(event);
              };
            });
  }
}
