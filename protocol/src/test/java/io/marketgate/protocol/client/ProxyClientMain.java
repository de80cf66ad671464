package io.marketgate.protocol.client;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.marketgate.protocol.ClusterTls;
import io.marketgate.protocol.MarketgateClient;
import io.marketgate.protocol.SymbolProtocol;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Cluster;

/**
 * Another JVM of the cluster, as a service beside the gateway would be: started on the protocol
 * module's classpath alone (no gateway classes or configuration), with the role {@code client} (so
 * it hosts no shards), asking through {@link MarketgateClient}'s sharding proxy. Its configuration
 * includes {@code marketgate-cluster.conf} as the README tells services to, unless the fourth
 * argument is {@code without-cluster-conf} (Pekko's defaults only: the gateways must refuse such a
 * JVM). With {@code MARKETGATE_TLS_DIR} set, its remoting runs over TLS with the key material there
 * (checked first, as the gateway does: unusable material exits 3 before any connection). {@code
 * MARKETGATE_CLIENT_JOIN_TIMEOUT} (seconds, default 30) bounds the wait for the join. Prints the
 * quote's data and exits 0, or exits 1.
 *
 * <p>Arguments: the seed's {@code host:port}, this JVM's remoting port, the symbol, and optionally
 * {@code without-cluster-conf}.
 */
public final class ProxyClientMain {
  private ProxyClientMain() {}

  public static void main(String[] args) throws Exception {
    boolean shared = args.length < 4 || !args[3].equals("without-cluster-conf");
    Config config =
        ConfigFactory.parseString(
                String.join(
                    "\n",
                    shared ? "include required(classpath(\"marketgate-cluster.conf\"))" : "",
                    "pekko.actor.provider = cluster",
                    "pekko.remote.artery.canonical.hostname = \"127.0.0.1\"",
                    "pekko.remote.artery.canonical.port = " + args[1],
                    "pekko.cluster.roles = [client]",
                    "pekko.cluster.seed-nodes = [\"pekko://Marketgate@" + args[0] + "\"]",
                    "pekko.coordinated-shutdown.exit-jvm = off"))
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    String tlsDir = System.getenv("MARKETGATE_TLS_DIR");
    if (tlsDir != null && !tlsDir.isBlank()) {
      try {
        System.out.println("TLS " + ClusterTls.check(Path.of(tlsDir)));
      } catch (IllegalArgumentException e) {
        System.out.println("TLS REFUSED: " + e.getMessage());
        // An intruder skips the check: it holds the cluster's ca.crt, not a certificate it issued.
        if (!"off".equals(System.getenv("MARKETGATE_CLIENT_TLS_CHECK"))) System.exit(3);
      }
      config = ClusterTls.remoting(Path.of(tlsDir), Duration.ofMinutes(1)).withFallback(config);
    }
    long joinTimeout =
        Long.parseLong(System.getenv().getOrDefault("MARKETGATE_CLIENT_JOIN_TIMEOUT", "30"));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "Marketgate", config);
    Config running = system.settings().config();
    System.out.println(
        "EFFECTIVE number-of-shards="
            + running.getInt("pekko.cluster.sharding.number-of-shards")
            + " downing-provider-class="
            + running.getString("pekko.cluster.downing-provider-class"));
    int status = 1;
    try {
      CompletableFuture<Void> up = new CompletableFuture<>();
      Cluster.get(system.classicSystem()).registerOnMemberUp(() -> up.complete(null));
      system
          .getWhenTerminated()
          .thenRun(
              () ->
                  up.completeExceptionally(
                      new IllegalStateException("the actor system stopped before joining")));
      up.get(joinTimeout, TimeUnit.SECONDS);
      System.out.println("JOINED");
      MarketgateClient client = MarketgateClient.create(system, Duration.ofSeconds(3));
      // The proxy buffers until it has found the shard coordinator: the first ask may time out.
      for (int attempt = 1; attempt <= 3 && status != 0; attempt++) {
        try {
          SymbolProtocol.Reply reply =
              client.quote(args[2]).toCompletableFuture().get(10, TimeUnit.SECONDS);
          if (!(reply instanceof SymbolProtocol.Answer answer)) {
            System.out.println("REPLY " + reply);
            break;
          }
          System.out.println(
              "ANSWER "
                  + answer.source()
                  + " "
                  + new String(answer.data(), StandardCharsets.UTF_8));
          status = 0;
        } catch (ExecutionException | TimeoutException e) {
          System.out.println("attempt " + attempt + " failed: " + e);
        }
      }
    } catch (ExecutionException | TimeoutException notJoined) {
      System.out.println("NOT JOINED: " + notJoined.getMessage());
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
    System.exit(status);
  }
}
