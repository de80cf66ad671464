package io.marketgate.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.marketgate.protocol.CborSerializable;
import io.marketgate.protocol.ClusterTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * What mutual TLS costs an ask between two nodes: two actor systems in this JVM, connected by
 * Artery over plain TCP or over TLS ({@code RotatingKeysSSLEngineProvider}, the gateway's settings
 * from {@link ClusterTls}), the asker sending a message of a quote answer's size with Jackson CBOR
 * as the cluster does, the other side answering it. Rounds alternate between the transports. Per
 * round: the first ask (connection and handshake), round trips one at a time (p50, p99), and asks
 * per second with 64 in flight.
 *
 * <pre>bench/run.sh remoting [--rounds 3] [--seconds 10]</pre>
 */
public final class RemotingBench {
  /** A request across the wire, and its answer. */
  public record Ping(byte[] payload, ActorRef<Pong> replyTo) implements CborSerializable {}

  public record Pong(byte[] payload) implements CborSerializable {}

  private static final int PAYLOAD_BYTES = 400;
  private static final int IN_FLIGHT = 64;

  private record Round(
      String transport, double firstAskMs, double p50Us, double p99Us, double asksPerSecond) {}

  public static void main(String[] args) throws Exception {
    Path tls = null;
    Path markdown = null;
    int rounds = 3;
    Duration seconds = Duration.ofSeconds(10);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--tls-dir" -> tls = Path.of(args[++i]);
        case "--markdown" -> markdown = Path.of(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Duration.ofSeconds(Long.parseLong(args[++i]));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (tls == null) throw new IllegalArgumentException("--tls-dir is required");
    System.out.println("key material: " + ClusterTls.check(tls));
    List<Round> results = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      for (String transport : List.of("tcp", "tls-tcp")) {
        Round r = run(transport, tls, seconds);
        System.out.printf(
            Locale.ROOT,
            "round %d %-7s first ask %.1f ms, p50 %.0f us, p99 %.0f us, %.0f asks/s%n",
            round,
            transport,
            r.firstAskMs(),
            r.p50Us(),
            r.p99Us(),
            r.asksPerSecond());
        results.add(r);
      }
    }
    String table = table(results);
    System.out.println(table);
    if (markdown != null) {
      Files.createDirectories(markdown.toAbsolutePath().getParent());
      Files.writeString(markdown, table);
    }
  }

  private static Config config(String transport, Path tls) {
    Config base =
        ConfigFactory.parseString(
                String.join(
                    "\n",
                    "pekko.actor.provider = remote",
                    "pekko.remote.artery.transport = " + transport,
                    "pekko.remote.artery.canonical.hostname = \"127.0.0.1\"",
                    "pekko.remote.artery.canonical.port = 0",
                    "pekko.loglevel = WARNING",
                    "pekko.actor.serializers.jackson-cbor ="
                        + " \"org.apache.pekko.serialization.jackson.JacksonCborSerializer\"",
                    "pekko.actor.serialization-bindings {",
                    "  \"io.marketgate.protocol.CborSerializable\" = jackson-cbor",
                    "}"))
            .withFallback(ConfigFactory.defaultReference());
    return transport.equals("tls-tcp")
        ? ClusterTls.remoting(tls, Duration.ofMinutes(5)).withFallback(base).resolve()
        : base.resolve();
  }

  private static Round run(String transport, Path tls, Duration seconds) throws Exception {
    ActorSystem<Ping> answering =
        ActorSystem.create(
            Behaviors.receiveMessage(
                ping -> {
                  ping.replyTo().tell(new Pong(ping.payload()));
                  return Behaviors.same();
                }),
            "Answering",
            config(transport, tls));
    ActorSystem<Void> asking =
        ActorSystem.create(Behaviors.empty(), "Asking", config(transport, tls));
    try {
      // The answering system's guardian, as the asking node sees it: a remote reference.
      ActorRef<Ping> remote =
          org.apache.pekko.actor.typed.ActorRefResolver.get(asking)
              .resolveActorRef(
                  org.apache.pekko.actor.typed.ActorRefResolver.get(answering)
                      .toSerializationFormat(answering));
      byte[] payload = new byte[PAYLOAD_BYTES];
      long first = System.nanoTime();
      ask(asking, remote, payload).get(30, TimeUnit.SECONDS);
      double firstAskMs = (System.nanoTime() - first) / 1e6;
      // Warm the JIT on both paths before measuring.
      sequential(asking, remote, payload, Duration.ofSeconds(3));
      Histogram latency = sequential(asking, remote, payload, seconds);
      double rate = inFlight(asking, remote, payload, seconds);
      return new Round(
          transport,
          firstAskMs,
          latency.getValueAtPercentile(50) / 1e3,
          latency.getValueAtPercentile(99) / 1e3,
          rate);
    } finally {
      asking.terminate();
      answering.terminate();
      asking.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      answering.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static CompletableFuture<Pong> ask(
      ActorSystem<?> system, ActorRef<Ping> remote, byte[] payload) {
    return AskPattern.<Ping, Pong>ask(
            remote,
            replyTo -> new Ping(payload, replyTo),
            Duration.ofSeconds(10),
            system.scheduler())
        .toCompletableFuture();
  }

  /** Round trips one at a time, in nanoseconds. */
  private static Histogram sequential(
      ActorSystem<?> system, ActorRef<Ping> remote, byte[] payload, Duration length)
      throws Exception {
    Histogram h = new Histogram(3);
    long end = System.nanoTime() + length.toNanos();
    while (System.nanoTime() < end) {
      long t = System.nanoTime();
      ask(system, remote, payload).get(10, TimeUnit.SECONDS);
      h.recordValue(System.nanoTime() - t);
    }
    return h;
  }

  /** Asks per second with {@link #IN_FLIGHT} outstanding: each answer sends the next ask. */
  private static double inFlight(
      ActorSystem<?> system, ActorRef<Ping> remote, byte[] payload, Duration length)
      throws Exception {
    AtomicLong answered = new AtomicLong();
    long start = System.nanoTime();
    long end = start + length.toNanos();
    List<CompletableFuture<Void>> chains = new ArrayList<>();
    for (int i = 0; i < IN_FLIGHT; i++) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      chain(system, remote, payload, end, answered, done);
      chains.add(done);
    }
    CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    return answered.get() / ((System.nanoTime() - start) / 1e9);
  }

  private static void chain(
      ActorSystem<?> system,
      ActorRef<Ping> remote,
      byte[] payload,
      long end,
      AtomicLong answered,
      CompletableFuture<Void> done) {
    ask(system, remote, payload)
        .whenComplete(
            (pong, error) -> {
              if (error != null) done.completeExceptionally(error);
              else if (answered.incrementAndGet() > 0 && System.nanoTime() >= end)
                done.complete(null);
              else chain(system, remote, payload, end, answered, done);
            });
  }

  private static String table(List<Round> rounds) {
    StringBuilder md =
        new StringBuilder(
            "| transport | round | first ask (connect + handshake) | p50 round trip | p99 round trip"
                + " | asks/s, 64 in flight |\n|---|---:|---:|---:|---:|---:|\n");
    int i = 0;
    for (Round r : rounds) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.1f ms | %.0f µs | %.0f µs | %,.0f |%n",
              r.transport(),
              i++ / 2 + 1,
              r.firstAskMs(),
              r.p50Us(),
              r.p99Us(),
              r.asksPerSecond()));
    }
    return md.toString();
  }
}
