package io.marketgate.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.marketgate.app.sim.ProviderSimulator;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * {@code java -jar marketgate.jar simulator [port]}: the provider simulator alone, so that several
 * nodes (or a benchmark) share one set of call counters and faults. Port default 8089, or
 * MARKETGATE_SIMULATOR_PORT.
 */
final class StandaloneSimulator {
  private StandaloneSimulator() {}

  static void run(String[] args) {
    Config config =
        ConfigFactory.parseString(
                "pekko.actor.provider = local\n"
                    + "pekko.coordinated-shutdown.exit-jvm = on\n"
                    + "pekko.http.server.backlog = 1024")
            .withFallback(ConfigFactory.load());
    String envPort = System.getenv("MARKETGATE_SIMULATOR_PORT");
    int port =
        args.length > 1
            ? Integer.parseInt(args[1])
            : envPort != null ? Integer.parseInt(envPort) : 8089;
    String host = config.getString("marketgate.simulator.host");
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "MarketgateSimulator", config);
    ProviderSimulator.start(system, host, port)
        .whenComplete(
            (sim, error) -> {
              if (error != null) {
                system.log().error("Simulator failed to start", error);
                system.terminate();
              }
            });
  }
}
