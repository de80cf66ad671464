package io.marketgate.app.concurrent;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Starts the node's long-lived application actors (providers, topics, the batch coordinators'
 * parent) as children of an application actor rather than as system actors: they live in the
 * application's part of the actor tree, under its supervision, and stop with it.
 */
public interface Spawner {
  <T> CompletionStage<ActorRef<T>> spawn(Behavior<T> behavior, String name);

  /** Children of the system's guardian, a {@link SpawnProtocol} (what {@code Main} creates). */
  static Spawner underGuardian(ActorSystem<SpawnProtocol.Command> system, Duration timeout) {
    return new Spawner() {
      @Override
      public <T> CompletionStage<ActorRef<T>> spawn(Behavior<T> behavior, String name) {
        return AskPattern.ask(
            system,
            replyTo -> new SpawnProtocol.Spawn<>(behavior, name, Props.empty(), replyTo),
            timeout,
            system.scheduler());
      }
    };
  }
}
