package io.marketgate.app.stream.upstream;

import io.marketgate.protocol.stream.StreamChannel;
import io.marketgate.protocol.stream.StreamEvent;
import io.marketgate.protocol.stream.StreamGap;
import io.marketgate.protocol.stream.UpstreamProtocol;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * One subscriber's interest in one channel of one symbol of a provider's stream, on the
 * subscriber's node: it subscribes to the node's topic, registers with the connection's owner, and
 * completes {@code acknowledged} when a marker it asked the owner to publish comes back through the
 * topic, so that every event published after it reaches the consumer. It renews the lease,
 * registers again at once when the owner's node goes, and tells the consumer of a {@link StreamGap}
 * when the owner it finds is a new incarnation (events may be missing in between).
 */
final class StreamSubscriber extends AbstractBehavior<StreamSubscriber.Command> {
  /** Local to the subscriber's node: never serialized. */
  sealed interface Command extends NoSerializationVerificationNeeded {}

  private record Delivered(UpstreamProtocol.Delivery delivery) implements Command {}

  private record Replied(UpstreamProtocol.SubscribeReply reply, Throwable failure)
      implements Command {}

  private enum Renew implements Command {
    INSTANCE
  }

  private enum ProbeTick implements Command {
    INSTANCE
  }

  /** Stop subscribing: unregister and leave the topic. */
  enum Cancel implements Command {
    INSTANCE
  }

  /** What one subscription is for and what it needs. */
  record Target(
      String provider,
      StreamChannel channel,
      String symbol,
      EntityRef<UpstreamProtocol.Command> owner,
      ActorRef<Topic.Command<UpstreamProtocol.Delivery>> topic,
      ActorRef<StreamEvent> consumer) {}

  record Timing(Duration renewInterval, Duration probeInterval, Duration askTimeout, Clock clock) {}

  /**
   * @param stopped told when the subscriber stops, for whoever keeps track of the live ones
   */
  static Behavior<Command> create(
      Target target, Timing timing, CompletableFuture<Void> acknowledged, Runnable stopped) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers ->
                    new StreamSubscriber(context, timers, target, timing, acknowledged, stopped)));
  }

  private final TimerScheduler<Command> timers;
  private final Target target;
  private final Timing timing;
  private final CompletableFuture<Void> acknowledged;
  private final Runnable stopped;
  private final ActorRef<UpstreamProtocol.Delivery> deliveries;
  private ActorRef<UpstreamProtocol.Command> owner;
  private String incarnation;
  private String token;
  private boolean markerSeen;
  private Instant lastEvent;
  private boolean gapPending;

  private StreamSubscriber(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Target target,
      Timing timing,
      CompletableFuture<Void> acknowledged,
      Runnable stopped) {
    super(context);
    this.stopped = stopped;
    this.timers = timers;
    this.target = target;
    this.timing = timing;
    this.acknowledged = acknowledged;
    this.deliveries = context.messageAdapter(UpstreamProtocol.Delivery.class, Delivered::new);
    context.watch(target.consumer());
    target.topic().tell(Topic.subscribe(deliveries));
    register();
    timers.startTimerWithFixedDelay(Renew.INSTANCE, timing.renewInterval());
  }

  private void register() {
    getContext()
        .pipeToSelf(
            target
                .owner()
                .ask(
                    replyTo ->
                        new UpstreamProtocol.Subscribe(
                            target.channel(), target.symbol(), deliveries, replyTo),
                    timing.askTimeout()),
            Replied::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Delivered.class, this::onDelivered)
        .onMessage(Replied.class, this::onReplied)
        .onMessage(Renew.class, r -> renew())
        .onMessage(ProbeTick.class, p -> probe())
        .onMessage(Cancel.class, c -> cancel())
        .onSignal(Terminated.class, this::onTerminated)
        .onSignal(
            PostStop.class,
            signal -> {
              stopped.run();
              return this;
            })
        .build();
  }

  private Behavior<Command> onReplied(Replied r) {
    if (r.failure() != null) {
      // The owner is moving or its shard not yet allocated: the next renewal asks again.
      getContext()
          .getLog()
          .debug("{} {}: owner did not answer: {}", target.channel(), target.symbol(), r.failure());
      return this;
    }
    if (r.reply() instanceof UpstreamProtocol.Refused refused) {
      if (!acknowledged.isDone()) {
        acknowledged.completeExceptionally(new SubscriptionRefused(refused.reason()));
        return cancel();
      }
      // Refused after it was acknowledged (the provider rejected the key since): the consumer is
      // told why, and the subscription ends.
      getContext()
          .getLog()
          .warn(
              "{} {}: the stream refused this subscription: {}",
              target.channel(),
              target.symbol(),
              refused.reason());
      tellGap("refused: " + refused.reason());
      return cancel();
    }
    UpstreamProtocol.Accepted accepted = (UpstreamProtocol.Accepted) r.reply();
    if (accepted.incarnation().equals(incarnation)) return this;
    if (owner != null) {
      // Another incarnation while the last one still seemed alive: it may have missed events.
      getContext().unwatch(owner);
      gapPending = acknowledged.isDone();
    }
    owner = accepted.owner();
    getContext().watch(owner);
    incarnation = accepted.incarnation();
    token = UUID.randomUUID().toString();
    markerSeen = false;
    probe();
    timers.startTimerWithFixedDelay(ProbeTick.INSTANCE, timing.probeInterval());
    return this;
  }

  /** Until its marker comes back, the owner's topic may not yet know this node's instance. */
  private Behavior<Command> probe() {
    if (owner != null && !markerSeen)
      owner.tell(new UpstreamProtocol.Probe(target.channel(), target.symbol(), token));
    return this;
  }

  private Behavior<Command> onDelivered(Delivered d) {
    if (d.delivery() instanceof UpstreamProtocol.Marker m) {
      if (!markerSeen && m.token().equals(token)) markerSeen(m);
      return this;
    }
    StreamEvent event = ((UpstreamProtocol.Event) d.delivery()).event();
    if (gapPending) emitGap();
    if (!(event instanceof StreamGap)) lastEvent = event.eventTime();
    target.consumer().tell(event);
    return this;
  }

  private void markerSeen(UpstreamProtocol.Marker m) {
    markerSeen = true;
    timers.cancel(ProbeTick.INSTANCE);
    if (!acknowledged.isDone()) acknowledged.complete(null);
    else if (gapPending) emitGap();
  }

  /**
   * The owner moved: what the old one had not delivered is lost. Told before the first event of the
   * new owner, so the consumer sees the gap in order.
   */
  private void emitGap() {
    gapPending = false;
    tellGap("owner-moved");
  }

  /** Events may be missing from the last one the consumer got until now. */
  private void tellGap(String reason) {
    target
        .consumer()
        .tell(
            new StreamGap(
                target.provider(), target.symbol(), lastEvent, timing.clock().instant(), reason));
  }

  private Behavior<Command> renew() {
    register();
    return this;
  }

  private Behavior<Command> onTerminated(Terminated t) {
    if (t.getRef().equals(target.consumer())) return cancel();
    // The owner's node went: register again now, the shard buffers it until the owner restarts.
    owner = null;
    gapPending = acknowledged.isDone();
    register();
    return this;
  }

  private Behavior<Command> cancel() {
    target.topic().tell(Topic.unsubscribe(deliveries));
    target
        .owner()
        .tell(new UpstreamProtocol.Unsubscribe(target.channel(), target.symbol(), deliveries));
    return Behaviors.stopped();
  }
}
