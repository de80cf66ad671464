package io.marketgate.bench;

import static org.apache.pekko.http.javadsl.server.Directives.complete;

import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * The ceiling of our server stack: Pekko HTTP (same version and server settings as the gateway)
 * answering every request with constant bytes the size of a cached quote answer. {@code java -cp
 * marketgate-bench.jar io.marketgate.bench.BareServer [port]}.
 */
public final class BareServer {
  static final byte[] BODY =
      ("{\"symbol\":\"AAPL\",\"dataset\":\"quote\",\"data\":{\"symbol\":\"AAPL\",\"price\":232.8,\"change\":4.79,"
              + "\"change_percent\":2.1008,\"open\":227.2,\"day_high\":233.13,\"day_low\":226.65,\"previous_close\":228.01,"
              + "\"volume\":44489128,\"currency\":\"USD\",\"as_of\":\"2025-02-04T21:00:01Z\",\"delayed\":false},"
              + "\"source\":\"fmp\",\"provider_used\":\"cache\",\"cached\":true,\"stale\":false,\"age_ms\":1234,"
              + "\"fetched_at\":\"2026-11-22T10:15:00.123Z\",\"confidence\":0.95,\"metadata\":{\"providers_attempted\":[],"
              + "\"coalesced\":false,\"circuit_breaker_triggered\":false,\"deduplicated\":false,\"direct\":false,\"total_duration_ms\":0}}")
          .getBytes(StandardCharsets.UTF_8);

  private BareServer() {}

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8090;
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "BareServer",
            ConfigFactory.parseString(
                    String.join(
                        "\n",
                        "pekko.actor.provider = local",
                        "pekko.loglevel = WARNING",
                        // The gateway's server and dispatcher settings (app cluster.conf).
                        "pekko.http.server.backlog = 1024",
                        "pekko.actor.default-dispatcher.fork-join-executor.parallelism-min = 2",
                        "pekko.actor.default-dispatcher.fork-join-executor.parallelism-factor = 1.0",
                        "pekko.actor.default-dispatcher.fork-join-executor.parallelism-max = 16"))
                .withFallback(ConfigFactory.defaultReference()));
    HttpResponse response =
        HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, BODY));
    Http.get(system)
        .newServerAt("127.0.0.1", port)
        .bind(complete(response))
        .thenAccept(b -> System.out.println("Bare Pekko HTTP route on " + b.localAddress()));
  }
}
