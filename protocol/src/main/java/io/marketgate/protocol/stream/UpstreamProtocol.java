package io.marketgate.protocol.stream;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.marketgate.protocol.CborSerializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The contract of the sharded upstream connection: one entity per (stream provider, credential) in
 * the whole cluster owns the provider's WebSocket, counts the subscribers of each (channel,
 * symbol), and publishes what the provider sends to one topic per (channel, provider, symbol).
 *
 * <p>A subscriber subscribes itself to its node's topic first, then {@link Subscribe}s here. The
 * acknowledgement that matters is a {@link Delivery.Marker}: the subscriber asks the owner to
 * publish one ({@link Probe}) until it comes back through the topic, and from then on it receives
 * every event the owner publishes for that channel and symbol (a topic preserves the order of one
 * publisher's messages to one subscriber). Subscriptions are leases: a subscriber sends {@link
 * Subscribe} again every renewal interval, so an owner that restarted elsewhere learns its interest
 * again.
 */
public final class UpstreamProtocol {
  private UpstreamProtocol() {}

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "UpstreamConnection");

  /** Every running connection registers under this key: the admin view finds them by it. */
  public static final ServiceKey<Command> SERVICE_KEY =
      ServiceKey.create(Command.class, "upstream-connections");

  /** The entity id of a provider's connection for one credential (a fingerprint, never a key). */
  public static String entityId(String provider, String credentialFingerprint) {
    return provider + "-" + credentialFingerprint;
  }

  /**
   * The topic of one (channel, provider, symbol), as every node names its instance of it (an actor
   * name: a symbol's {@code ^} is escaped).
   */
  public static String topicName(StreamChannel channel, String provider, String symbol) {
    return "upstream-"
        + channel.wireName()
        + "-"
        + provider
        + "-"
        + URLEncoder.encode(symbol, StandardCharsets.UTF_8);
  }

  public sealed interface Command extends CborSerializable
      permits Subscribe, Unsubscribe, Probe, GetStatus, LocalCommand {}

  /** Messages of the entity's own node (the stop message, stream signals): never remote. */
  public non-sealed interface LocalCommand extends Command, NoSerializationVerificationNeeded {}

  /**
   * Adds (or renews) {@code subscriber}'s interest in a channel of a symbol; the connection
   * subscribes upstream on the first interest. Answered with {@link Accepted} or {@link Refused}.
   */
  public record Subscribe(
      StreamChannel channel,
      String symbol,
      ActorRef<Delivery> subscriber,
      ActorRef<SubscribeReply> replyTo)
      implements Command {}

  /** Drops the interest; the last one leaving unsubscribes upstream after a grace period. */
  public record Unsubscribe(StreamChannel channel, String symbol, ActorRef<Delivery> subscriber)
      implements Command {}

  /** Publish a {@link Delivery.Marker} with this token on the topic of this channel and symbol. */
  public record Probe(StreamChannel channel, String symbol, String token) implements Command {}

  public record GetStatus(ActorRef<ConnectionStatus> replyTo) implements Command {}

  public sealed interface SubscribeReply extends CborSerializable permits Accepted, Refused {}

  /**
   * @param incarnation changes each time the entity starts: a subscriber that sees a new one knows
   *     events may be missing since the last it received
   * @param owner the entity, watched by the subscriber so that it subscribes again at once when the
   *     owning node goes
   */
  public record Accepted(String incarnation, ActorRef<Command> owner) implements SubscribeReply {}

  /** The provider's limits, a rejected key or a missing credential: said, never a silent gap. */
  public record Refused(String reason) implements SubscribeReply {}

  /** What a topic carries. */
  public sealed interface Delivery extends CborSerializable permits Event, Marker {}

  public record Event(StreamEvent event) implements Delivery {}

  public record Marker(String token, String incarnation) implements Delivery {}

  /**
   * The connection as the admin API shows it.
   *
   * @param state {@code idle}, {@code connecting}, {@code live}, {@code key_rejected}, {@code
   *     connection_limit} or {@code no_credential}
   * @param subscriptions what is subscribed upstream, with its subscribers
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record ConnectionStatus(
      String provider,
      String credential,
      String node,
      String state,
      String detail,
      String incarnation,
      long connectionAttempts,
      long reconnects,
      long badFrames,
      List<SubscriptionCount> subscriptions)
      implements CborSerializable {}

  /** One channel of one symbol: its subscribers now (0 while its grace period runs). */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record SubscriptionCount(StreamChannel channel, String symbol, int subscribers)
      implements CborSerializable {}
}
