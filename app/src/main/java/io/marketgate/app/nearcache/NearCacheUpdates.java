package io.marketgate.app.nearcache;

import io.marketgate.app.concurrent.Spawner;
import io.marketgate.app.symbol.NearCache;
import io.marketgate.app.symbol.RefreshPublisher;
import io.marketgate.protocol.CborSerializable;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.SymbolProtocol.Answer;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * Carries refreshes from the symbol entities to every node's near-cache over the cluster topic
 * {@value #TOPIC}: one message per refresh, not per hit.
 */
public final class NearCacheUpdates implements RefreshPublisher {
  public static final String TOPIC = "near-cache-updates";

  /**
   * A key was fetched anew ({@code answer} non-null) or found not to exist ({@code answer} null).
   */
  public record Update(FetchKey key, Answer answer) implements CborSerializable {}

  private final ActorRef<Topic.Command<Update>> topic;

  private NearCacheUpdates(ActorRef<Topic.Command<Update>> topic) {
    this.topic = topic;
  }

  /** Starts this node's topic actor and the subscriber that applies updates to {@code cache}. */
  public static CompletionStage<NearCacheUpdates> start(Spawner spawner, NearCache cache) {
    return spawner
        .spawn(Topic.create(Update.class, TOPIC), "near-cache-topic")
        .thenCombine(
            spawner.spawn(applying(cache), "near-cache-subscriber"),
            (topic, subscriber) -> {
              topic.tell(Topic.subscribe(subscriber));
              return new NearCacheUpdates(topic);
            });
  }

  private static Behavior<Update> applying(NearCache cache) {
    return Behaviors.receiveMessage(
        update -> {
          if (update.answer() == null) cache.invalidate(update.key());
          else cache.refreshed(update.answer());
          return Behaviors.same();
        });
  }

  @Override
  public void refreshed(Answer answer) {
    topic.tell(Topic.publish(new Update(answer.key(), answer)));
  }

  @Override
  public void removed(FetchKey key) {
    topic.tell(Topic.publish(new Update(key, null)));
  }
}
