package io.marketgate.app.stream.upstream;

import io.marketgate.app.config.StreamSettings;
import io.marketgate.app.stream.StreamProvider;
import io.marketgate.app.stream.StreamProviders;
import io.marketgate.app.stream.UpstreamSource;
import io.marketgate.app.stream.UpstreamState;
import io.marketgate.app.stream.UpstreamTopics;
import io.marketgate.protocol.stream.StreamChannel;
import io.marketgate.protocol.stream.StreamEvent;
import io.marketgate.protocol.stream.StreamGap;
import io.marketgate.protocol.stream.UpstreamProtocol;
import io.marketgate.protocol.stream.UpstreamProtocol.Command;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityContext;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The one connection of a stream provider for one credential in the whole cluster (a sharded,
 * remembered entity: it starts again on a survivor when its node goes). It counts the subscribers
 * of each (channel, symbol) as leases, subscribes upstream on the first and unsubscribes a grace
 * period after the last left, and publishes every event to the topic of its channel and symbol.
 * Publishing is a tell: no subscriber ever slows the socket down; each holds its own bounded
 * buffer. With no interest left it passivates, which closes the connection.
 */
public final class UpstreamConnection extends AbstractBehavior<Command> {
  /** What a connection needs from its node. */
  public record Dependencies(
      StreamProviders providers,
      UpstreamTopics topics,
      StreamSettings settings,
      Consumer<String> reconnectCounter,
      Clock clock) {}

  /** The stop message of sharding (hand-off, passivation): close the connection first. */
  enum Stop implements UpstreamProtocol.LocalCommand {
    INSTANCE
  }

  private record StreamDone(Throwable failure) implements UpstreamProtocol.LocalCommand {}

  private enum CloseTimedOut implements UpstreamProtocol.LocalCommand {
    INSTANCE
  }

  private enum Sweep implements UpstreamProtocol.LocalCommand {
    INSTANCE
  }

  private record GraceOver(Interest interest) implements UpstreamProtocol.LocalCommand {}

  private record Subscribed(Interest interest, Optional<String> refusal)
      implements UpstreamProtocol.LocalCommand {}

  private record Reopen() implements UpstreamProtocol.LocalCommand {}

  private record Interest(StreamChannel channel, String symbol) {}

  public static void init(ActorSystem<?> system, Dependencies deps, String shardRole) {
    ClusterSharding.get(system)
        .init(
            Entity.of(UpstreamProtocol.ENTITY_KEY, ctx -> create(ctx, deps))
                .withRole(shardRole)
                .withStopMessage(Stop.INSTANCE)
                .withSettings(
                    ClusterShardingSettings.create(system)
                        .withRole(shardRole)
                        .withRememberEntities(true)));
  }

  static Behavior<Command> create(EntityContext<Command> entity, Dependencies deps) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(timers -> new UpstreamConnection(entity, context, timers, deps)));
  }

  private final EntityContext<Command> entity;
  private final TimerScheduler<Command> timers;
  private final Dependencies deps;
  private final Optional<StreamProvider> provider;
  private final String incarnation = UUID.randomUUID().toString();
  private final AtomicLong reconnects = new AtomicLong();
  private final Map<Interest, Map<ActorRef<UpstreamProtocol.Delivery>, Long>> interests =
      new LinkedHashMap<>();

  /** First subscriptions the provider has not yet answered, with who asked meanwhile. */
  private final Map<Interest, List<UpstreamProtocol.Subscribe>> pending = new HashMap<>();

  private UpstreamSource source;
  private UniqueKillSwitch killSwitch;
  private boolean stopping;
  private int idleSweeps;

  private UpstreamConnection(
      EntityContext<Command> entity,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Dependencies deps) {
    super(context);
    this.entity = entity;
    this.timers = timers;
    this.deps = deps;
    this.provider = deps.providers().ofEntity(entity.getEntityId());
    timers.startTimerWithFixedDelay(Sweep.INSTANCE, deps.settings().renewInterval());
    // Found by the admin view without starting idle connections.
    context
        .getSystem()
        .receptionist()
        .tell(Receptionist.register(UpstreamProtocol.SERVICE_KEY, context.getSelf()));
    if (provider.isEmpty())
      context
          .getLog()
          .error(
              "This node holds no stream credential for {}: every node must be configured alike",
              entity.getEntityId());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(UpstreamProtocol.Subscribe.class, this::onSubscribe)
        .onMessage(Subscribed.class, this::onSubscribed)
        .onMessage(UpstreamProtocol.Unsubscribe.class, this::onUnsubscribe)
        .onMessage(UpstreamProtocol.Probe.class, this::onProbe)
        .onMessage(UpstreamProtocol.GetStatus.class, this::onGetStatus)
        .onMessage(Sweep.class, s -> onSweep())
        .onMessage(GraceOver.class, this::onGraceOver)
        .onMessage(StreamDone.class, this::onStreamDone)
        .onMessage(Reopen.class, r -> onReopen())
        .onMessage(Stop.class, s -> onStop())
        .onMessage(CloseTimedOut.class, t -> onCloseTimedOut())
        .build();
  }

  private Behavior<Command> onSubscribe(UpstreamProtocol.Subscribe s) {
    if (stopping) return this; // the subscriber renews; the next incarnation answers
    Optional<String> refusal = refusal();
    if (refusal.isPresent()) {
      s.replyTo().tell(new UpstreamProtocol.Refused(refusal.get()));
      return this;
    }
    Interest interest = new Interest(s.channel(), s.symbol());
    Map<ActorRef<UpstreamProtocol.Delivery>, Long> subscribers = interests.get(interest);
    if (subscribers != null) {
      timers.cancel(interest);
      subscribers.put(s.subscriber(), leaseEnd());
      s.replyTo().tell(new UpstreamProtocol.Accepted(incarnation, getContext().getSelf()));
      return this;
    }
    List<UpstreamProtocol.Subscribe> waiting = pending.get(interest);
    if (waiting != null) {
      waiting.add(s);
      return this;
    }
    waiting = new ArrayList<>();
    waiting.add(s);
    pending.put(interest, waiting);
    deps.topics().topic(s.channel(), provider.get().name(), s.symbol());
    getContext()
        .pipeToSelf(
            openSource().subscribe(s.channel(), s.symbol()),
            (refused, failure) ->
                new Subscribed(
                    interest, failure != null ? Optional.of(failure.toString()) : refused));
    return this;
  }

  /** The provider's answer to a first subscription: everyone who asked meanwhile hears it. */
  private Behavior<Command> onSubscribed(Subscribed done) {
    List<UpstreamProtocol.Subscribe> waiting = pending.remove(done.interest());
    if (waiting == null || stopping) return this; // a stopping owner acknowledges nobody
    if (waiting.isEmpty() && done.refusal().isEmpty()) {
      // Everyone who asked left meanwhile: nothing to stream.
      if (source != null) source.unsubscribe(done.interest().channel(), done.interest().symbol());
      return this;
    }
    if (done.refusal().isPresent()) {
      for (UpstreamProtocol.Subscribe s : waiting)
        s.replyTo().tell(new UpstreamProtocol.Refused(done.refusal().get()));
      return this;
    }
    Map<ActorRef<UpstreamProtocol.Delivery>, Long> subscribers = new HashMap<>();
    interests.put(done.interest(), subscribers);
    getContext()
        .getLog()
        .info(
            "Streaming {} of {} from {}",
            done.interest().channel().wireName(),
            done.interest().symbol(),
            entity.getEntityId());
    for (UpstreamProtocol.Subscribe s : waiting) {
      subscribers.put(s.subscriber(), leaseEnd());
      s.replyTo().tell(new UpstreamProtocol.Accepted(incarnation, getContext().getSelf()));
    }
    return this;
  }

  private Optional<String> refusal() {
    if (provider.isEmpty())
      return Optional.of("this node holds no stream credential for " + entity.getEntityId());
    if (source != null && source.state() instanceof UpstreamState.KeyRejected rejected)
      return Optional.of(
          provider.get().name()
              + " rejected the stream key ("
              + rejected.message()
              + "): no connection until the key changes");
    return Optional.empty();
  }

  private long leaseEnd() {
    return deps.clock().millis() + 3 * deps.settings().renewInterval().toMillis();
  }

  private Behavior<Command> onUnsubscribe(UpstreamProtocol.Unsubscribe u) {
    Interest interest = new Interest(u.channel(), u.symbol());
    List<UpstreamProtocol.Subscribe> waiting = pending.get(interest);
    if (waiting != null) waiting.removeIf(s -> s.subscriber().equals(u.subscriber()));
    Map<ActorRef<UpstreamProtocol.Delivery>, Long> subscribers = interests.get(interest);
    if (subscribers != null && subscribers.remove(u.subscriber()) != null && subscribers.isEmpty())
      startGrace(interest);
    return this;
  }

  private void startGrace(Interest interest) {
    if (!timers.isTimerActive(interest))
      timers.startSingleTimer(
          interest, new GraceOver(interest), deps.settings().unsubscribeGrace());
  }

  private Behavior<Command> onGraceOver(GraceOver g) {
    Map<ActorRef<UpstreamProtocol.Delivery>, Long> subscribers = interests.get(g.interest());
    if (subscribers == null || !subscribers.isEmpty()) return this;
    interests.remove(g.interest());
    if (source != null) source.unsubscribe(g.interest().channel(), g.interest().symbol());
    getContext()
        .getLog()
        .info(
            "Stopped streaming {} of {} from {}: no subscriber left",
            g.interest().channel().wireName(),
            g.interest().symbol(),
            entity.getEntityId());
    return this;
  }

  /** Subscribers that stopped renewing (their node died) lose their lease. */
  private Behavior<Command> onSweep() {
    long now = deps.clock().millis();
    interests.forEach(
        (interest, subscribers) -> {
          if (subscribers.values().removeIf(end -> end < now) && subscribers.isEmpty())
            startGrace(interest);
        });
    // Idle for two sweeps (one would race subscribers renewing after a fail-over): passivate. A
    // rejected key keeps its entity, so that the rejection is remembered and not tried again.
    boolean idle = interests.isEmpty() && pending.isEmpty() && !keyRejected();
    idleSweeps = idle ? idleSweeps + 1 : 0;
    if (idleSweeps >= 2 && !stopping)
      entity.getShard().tell(new ClusterSharding.Passivate<>(getContext().getSelf()));
    return this;
  }

  private boolean keyRejected() {
    return source != null && source.state() instanceof UpstreamState.KeyRejected;
  }

  private boolean isStreaming() {
    return killSwitch != null;
  }

  private Behavior<Command> onProbe(UpstreamProtocol.Probe p) {
    if (provider.isPresent())
      deps.topics()
          .topic(p.channel(), provider.get().name(), p.symbol())
          .tell(Topic.publish(new UpstreamProtocol.Marker(p.token(), incarnation)));
    return this;
  }

  /** The source of this connection, running; opened with every channel of interest. */
  private UpstreamSource openSource() {
    if (source != null && isStreaming()) return source;
    StreamProvider p = provider.get();
    source =
        p.open(
            getContext().getSystem(),
            () -> {
              reconnects.incrementAndGet();
              deps.reconnectCounter().accept(p.name());
            });
    for (Interest i : interests.keySet()) source.subscribe(i.channel(), i.symbol());
    for (Interest i : pending.keySet()) source.subscribe(i.channel(), i.symbol());
    Pair<UniqueKillSwitch, CompletionStage<Done>> running =
        source
            .events()
            .toMat(Sink.foreach(e -> publish(p.name(), e)), Keep.both())
            .run(getContext().getSystem());
    killSwitch = running.first();
    getContext().pipeToSelf(running.second(), (done, failure) -> new StreamDone(failure));
    return source;
  }

  /** Runs on the stream's threads: a tell per event, never waiting for a subscriber. */
  private void publish(String providerName, StreamEvent event) {
    if (event instanceof StreamGap) {
      for (StreamChannel channel : StreamChannel.values())
        deps.topics()
            .existing(channel, providerName, event.symbol())
            .ifPresent(t -> t.tell(Topic.publish(new UpstreamProtocol.Event(event))));
    } else {
      deps.topics()
          .existing(StreamChannel.of(event), providerName, event.symbol())
          .ifPresent(t -> t.tell(Topic.publish(new UpstreamProtocol.Event(event))));
    }
  }

  private Behavior<Command> onStreamDone(StreamDone d) {
    killSwitch = null;
    if (stopping) return Behaviors.stopped();
    if (source.state() instanceof UpstreamState.KeyRejected) {
      getContext()
          .getLog()
          .error(
              "{}: the provider rejected the stream key; not reconnecting", entity.getEntityId());
    } else {
      getContext()
          .getLog()
          .warn(
              "{}: the stream ended ({}); opening it again",
              entity.getEntityId(),
              d.failure() == null ? "completed" : d.failure().toString());
      timers.startSingleTimer(new Reopen(), deps.settings().minBackoff());
    }
    return this;
  }

  private Behavior<Command> onReopen() {
    if (!stopping && !(interests.isEmpty() && pending.isEmpty()) && !isStreaming()) openSource();
    return this;
  }

  /**
   * Closes with the provider's handshake, so that its slot for the credential is free before the
   * next owner connects; a connection that does not close in time is aborted.
   */
  private Behavior<Command> onStop() {
    // Gone from the admin view at once, not when the receptionist's gossip notices.
    getContext()
        .getSystem()
        .receptionist()
        .tell(Receptionist.deregister(UpstreamProtocol.SERVICE_KEY, getContext().getSelf()));
    if (!isStreaming()) {
      if (source != null) source.close();
      return Behaviors.stopped();
    }
    stopping = true;
    source.close();
    timers.startSingleTimer(CloseTimedOut.INSTANCE, deps.settings().shutdownTimeout());
    return this;
  }

  private Behavior<Command> onCloseTimedOut() {
    getContext()
        .getLog()
        .warn(
            "{}: the connection did not close within {}; aborted",
            entity.getEntityId(),
            deps.settings().shutdownTimeout());
    killSwitch.abort(new IllegalStateException("connection did not close in time"));
    return Behaviors.stopped();
  }

  private Behavior<Command> onGetStatus(UpstreamProtocol.GetStatus g) {
    List<UpstreamProtocol.SubscriptionCount> counts = new ArrayList<>();
    interests.forEach(
        (i, subscribers) ->
            counts.add(
                new UpstreamProtocol.SubscriptionCount(
                    i.channel(), i.symbol(), subscribers.size())));
    String state;
    String detail = null;
    if (provider.isEmpty()) state = "no_credential";
    else if (source == null) state = "idle";
    else {
      UpstreamState s = source.state();
      state = s.wireName();
      if (s instanceof UpstreamState.KeyRejected r) detail = r.message();
      if (s instanceof UpstreamState.ConnectionLimit l) detail = l.message();
    }
    g.replyTo()
        .tell(
            new UpstreamProtocol.ConnectionStatus(
                provider.map(StreamProvider::name).orElse(entity.getEntityId()),
                provider.map(StreamProvider::credential).orElse(""),
                Cluster.get(getContext().getSystem()).selfMember().address().toString(),
                state,
                detail,
                incarnation,
                source == null ? 0 : source.connectionAttempts(),
                reconnects.get(),
                source == null ? 0 : source.badFrames(),
                counts));
    return this;
  }
}
