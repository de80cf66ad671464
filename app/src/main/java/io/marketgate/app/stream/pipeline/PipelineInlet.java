package io.marketgate.app.stream.pipeline;

import io.marketgate.protocol.stream.StreamEvent;
import io.marketgate.protocol.stream.StreamGap;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Where a pipeline's stream subscriptions deliver: a bounded queue its graph reads. The provider's
 * socket is never slowed for a pipeline, so when the graph (and its writer's backpressure) falls
 * behind by more than the queue holds, an event is dropped and counted, and the symbol's next event
 * that fits is preceded by a gap from the last event delivered before the drops.
 */
public final class PipelineInlet {
  private PipelineInlet() {}

  /**
   * @return the actor subscriptions deliver to, and the source of what it queued
   */
  public static Pair<Behavior<StreamEvent>, Source<StreamEvent, NotUsed>> create(
      org.apache.pekko.actor.typed.ActorSystem<?> system, int capacity, PipelineCounters counters) {
    Pair<BoundedSourceQueue<StreamEvent>, Source<StreamEvent, NotUsed>> queue =
        Source.<StreamEvent>queue(capacity).preMaterialize(system);
    return Pair.create(behavior(queue.first(), counters), queue.second());
  }

  private static Behavior<StreamEvent> behavior(
      BoundedSourceQueue<StreamEvent> queue, PipelineCounters counters) {
    Map<String, Instant> lastDelivered = new HashMap<>();
    Set<String> dropping = new HashSet<>();
    return Behaviors.receiveMessage(
        event -> {
          if (event instanceof StreamGap) {
            queue.offer(event); // a gap lost to a full queue is covered by the overflow gap
            return Behaviors.same();
          }
          counters.received(1);
          counters.eventAt(event.eventTime().toEpochMilli());
          if (dropping.contains(event.symbol())) {
            StreamGap gap =
                new StreamGap(
                    event.source(),
                    event.symbol(),
                    lastDelivered.get(event.symbol()),
                    event.eventTime(),
                    "overflow");
            if (queue.offer(gap) != QueueOfferResult.enqueued()) {
              counters.dropped(1);
              return Behaviors.same();
            }
            dropping.remove(event.symbol());
          }
          if (queue.offer(event) == QueueOfferResult.enqueued()) {
            lastDelivered.put(event.symbol(), event.eventTime());
          } else {
            counters.dropped(1);
            dropping.add(event.symbol());
          }
          return Behaviors.same();
        });
  }
}
