package io.marketgate.app.stream.upstream;

import io.marketgate.app.config.StreamSettings;
import io.marketgate.app.stream.StreamProvider;
import io.marketgate.app.stream.StreamProviders;
import io.marketgate.app.stream.UpstreamTopics;
import io.marketgate.protocol.stream.StreamChannel;
import io.marketgate.protocol.stream.StreamEvent;
import io.marketgate.protocol.stream.UpstreamProtocol;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * This node's way into the cluster's provider streams: pipelines and caller streams subscribe here
 * and get every event of a channel of a symbol from the one connection that serves it, wherever it
 * runs. Events go to the consumer's actor ref, which holds its own bounded buffer: the owner never
 * waits for it.
 */
public final class StreamSubscriptions {
  /** How often a subscriber asks for its marker until it comes back through the topic. */
  private static final Duration PROBE_INTERVAL = Duration.ofMillis(200);

  private final ActorSystem<?> system;
  private final StreamProviders providers;
  private final UpstreamTopics topics;
  private final StreamSubscriber.Timing timing;
  private final AtomicLong ids = new AtomicLong();
  private final Duration acknowledgeTimeout;

  /** The connections' shard region runs (after the journal is migrated). */
  private final CompletableFuture<Void> started;

  private final Set<ActorRef<StreamSubscriber.Command>> live = ConcurrentHashMap.newKeySet();

  public StreamSubscriptions(
      ActorSystem<?> system,
      StreamProviders providers,
      UpstreamTopics topics,
      StreamSettings settings,
      Duration askTimeout,
      Clock clock,
      CompletionStage<Void> started) {
    this.system = system;
    this.started = started.toCompletableFuture();
    this.providers = providers;
    this.topics = topics;
    this.timing =
        new StreamSubscriber.Timing(settings.renewInterval(), PROBE_INTERVAL, askTimeout, clock);
    this.acknowledgeTimeout = settings.acknowledgeTimeout();
    // A node going down stops its subscribers before its shard regions hand off: a subscriber
    // renewing meanwhile would keep asking for the owner's shard and delay the hand-off.
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeClusterShutdown(),
            "cancel-stream-subscriptions",
            () -> {
              live.forEach(s -> s.tell(StreamSubscriber.Cancel.INSTANCE));
              return CompletableFuture.completedFuture(Done.getInstance());
            });
  }

  /** A running subscription; {@link #cancel()} ends it (so does the consumer stopping). */
  public record Subscription(
      String provider, StreamChannel channel, String symbol, Runnable canceller) {
    public void cancel() {
      canceller.run();
    }
  }

  /** How long a subscription may take to be acknowledged, as configured. */
  public Duration acknowledgeTimeout() {
    return acknowledgeTimeout;
  }

  public StreamProviders providers() {
    return providers;
  }

  /**
   * Every running connection in the cluster as its owner reports it (found through the
   * receptionist, so that looking starts nothing), and each of this node's stream providers that
   * has none running as {@code idle}. An owner that does not answer within {@code timeout} is left
   * out.
   */
  public CompletionStage<List<UpstreamProtocol.ConnectionStatus>> statuses(Duration timeout) {
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
            system.receptionist(),
            replyTo -> Receptionist.find(UpstreamProtocol.SERVICE_KEY, replyTo),
            timeout,
            system.scheduler())
        .thenCompose(
            listing -> {
              List<CompletableFuture<Optional<UpstreamProtocol.ConnectionStatus>>> asks =
                  new ArrayList<>();
              for (ActorRef<UpstreamProtocol.Command> owner :
                  listing.getServiceInstances(UpstreamProtocol.SERVICE_KEY))
                asks.add(
                    AskPattern.<UpstreamProtocol.Command, UpstreamProtocol.ConnectionStatus>ask(
                            owner, UpstreamProtocol.GetStatus::new, timeout, system.scheduler())
                        .exceptionally(failure -> unreachable(owner, failure))
                        .thenApply(Optional::of)
                        .toCompletableFuture());
              return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
                  .thenApply(done -> withIdle(asks.stream().flatMap(a -> a.join().stream())));
            });
  }

  /** An owner that did not answer (its node may be going): named by its entity id. */
  private static UpstreamProtocol.ConnectionStatus unreachable(
      ActorRef<UpstreamProtocol.Command> owner, Throwable failure) {
    String id = URLDecoder.decode(owner.path().name(), StandardCharsets.UTF_8);
    int dash = id.lastIndexOf('-');
    return new UpstreamProtocol.ConnectionStatus(
        dash < 0 ? id : id.substring(0, dash),
        dash < 0 ? "" : id.substring(dash + 1),
        owner.path().address().toString(),
        "unreachable",
        failure.toString(),
        null,
        0,
        0,
        0,
        List.of());
  }

  private List<UpstreamProtocol.ConnectionStatus> withIdle(
      java.util.stream.Stream<UpstreamProtocol.ConnectionStatus> running) {
    List<UpstreamProtocol.ConnectionStatus> all =
        new ArrayList<>(
            running
                .sorted(java.util.Comparator.comparing(UpstreamProtocol.ConnectionStatus::provider))
                .toList());
    // A stopped owner may still be listed until the receptionist's gossip catches up: when its
    // connection has an owner that answered, the silent one is left out.
    all.removeIf(
        c ->
            c.state().equals("unreachable")
                && all.stream()
                    .anyMatch(
                        o ->
                            !o.state().equals("unreachable")
                                && o.provider().equals(c.provider())
                                && o.credential().equals(c.credential())));
    for (StreamProvider p : providers.all()) {
      boolean listed =
          all.stream()
              .anyMatch(
                  c -> c.provider().equals(p.name()) && c.credential().equals(p.credential()));
      if (!listed)
        all.add(
            new UpstreamProtocol.ConnectionStatus(
                p.name(), p.credential(), null, "idle", null, null, 0, 0, 0, List.of()));
    }
    return all;
  }

  /**
   * Subscribes {@code consumer} to a channel of a (normalised) symbol of a provider's stream.
   *
   * @param within how long the acknowledgement may take (the owner may be starting or moving);
   *     after that the subscription is cancelled and the stage fails with a timeout
   * @return completes once every event published from then on reaches the consumer; fails with
   *     {@link SubscriptionRefused} for an unknown provider or one whose limits or key refuse it
   */
  public CompletionStage<Subscription> subscribe(
      String provider,
      StreamChannel channel,
      String symbol,
      ActorRef<StreamEvent> consumer,
      Duration within) {
    Optional<StreamProvider> p = providers.named(provider);
    if (p.isEmpty())
      return CompletableFuture.failedFuture(
          new SubscriptionRefused("no stream provider named " + provider + " on this node"));
    if (!started.isDone())
      return started
          .orTimeout(within.toMillis(), TimeUnit.MILLISECONDS)
          .thenCompose(ready -> subscribe(provider, channel, symbol, consumer, within));
    CompletableFuture<Void> acknowledged = new CompletableFuture<>();
    AtomicReference<ActorRef<StreamSubscriber.Command>> self = new AtomicReference<>();
    ActorRef<StreamSubscriber.Command> subscriber =
        system.systemActorOf(
            StreamSubscriber.create(
                new StreamSubscriber.Target(
                    provider,
                    channel,
                    symbol,
                    ClusterSharding.get(system)
                        .entityRefFor(
                            UpstreamProtocol.ENTITY_KEY,
                            UpstreamProtocol.entityId(provider, p.get().credential())),
                    topics.topic(channel, provider, symbol),
                    consumer),
                timing,
                acknowledged,
                () -> live.remove(self.get())),
            "stream-subscriber-" + ids.incrementAndGet(),
            Props.empty());
    self.set(subscriber);
    live.add(subscriber);
    Runnable cancel = () -> subscriber.tell(StreamSubscriber.Cancel.INSTANCE);
    return acknowledged
        .orTimeout(within.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (done, failure) -> {
              if (failure != null) cancel.run();
            })
        .thenApply(done -> new Subscription(provider, channel, symbol, cancel));
  }
}
