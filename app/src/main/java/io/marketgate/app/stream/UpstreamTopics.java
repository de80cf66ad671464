package io.marketgate.app.stream;

import io.marketgate.protocol.stream.StreamChannel;
import io.marketgate.protocol.stream.UpstreamProtocol;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * This node's instance of each upstream topic, one per (channel, provider, symbol), started on
 * first use by the owner of a connection or by a subscriber. Thread-safe: the owner's stream
 * publishes from its own threads.
 */
public final class UpstreamTopics {
  private final ActorSystem<?> system;
  private final ConcurrentMap<String, ActorRef<Topic.Command<UpstreamProtocol.Delivery>>> topics =
      new ConcurrentHashMap<>();

  public UpstreamTopics(ActorSystem<?> system) {
    this.system = system;
  }

  public ActorRef<Topic.Command<UpstreamProtocol.Delivery>> topic(
      StreamChannel channel, String provider, String symbol) {
    return topics.computeIfAbsent(
        UpstreamProtocol.topicName(channel, provider, symbol),
        name ->
            system.systemActorOf(
                Topic.create(UpstreamProtocol.Delivery.class, name), name, Props.empty()));
  }

  /** The topic if this node has started it: nobody here subscribed or published otherwise. */
  public Optional<ActorRef<Topic.Command<UpstreamProtocol.Delivery>>> existing(
      StreamChannel channel, String provider, String symbol) {
    return Optional.ofNullable(topics.get(UpstreamProtocol.topicName(channel, provider, symbol)));
  }
}
