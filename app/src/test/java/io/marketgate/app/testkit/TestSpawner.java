package io.marketgate.app.testkit;

import io.marketgate.app.concurrent.Spawner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

/** Spawns under a test kit's guardian, as a node's guardian would. */
public final class TestSpawner {
  private TestSpawner() {}

  public static Spawner of(ActorTestKit kit) {
    return new Spawner() {
      @Override
      public <T> CompletionStage<ActorRef<T>> spawn(Behavior<T> behavior, String name) {
        return CompletableFuture.completedFuture(kit.spawn(behavior, name));
      }
    };
  }
}
