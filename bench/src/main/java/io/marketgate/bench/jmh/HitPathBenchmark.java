package io.marketgate.bench.jmh;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.marketgate.app.Main;
import io.marketgate.app.config.GatewaySettings;
import io.marketgate.app.http.AnswerEncoder;
import io.marketgate.app.symbol.NearCache;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.SymbolProtocol;
import io.marketgate.protocol.SymbolProtocol.Answer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The in-process hit path of a whole node (Main.init on free ports, built-in simulator): a sharded
 * ask to a symbol entity holding the answer, and the node-local near-cache lookup, each followed by
 * the envelope encoding the HTTP layer does.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g", "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2"})
@State(Scope.Benchmark)
public class HitPathBenchmark {
  private static final int SYMBOLS = 100;

  private ActorSystem<SpawnProtocol.Command> system;
  private ClusterSharding sharding;
  private NearCache nearCache;
  private FetchKey[] keys;
  private int next;

  @Setup(Level.Trial)
  public void start() throws Exception {
    Config config =
        ConfigFactory.parseString(
                String.join(
                    "\n",
                    "pekko.remote.artery.canonical.port = 0",
                    "pekko.management.http.port = 0",
                    "pekko.loglevel = WARNING",
                    "marketgate.http.port = 0",
                    "marketgate.metrics.port = 0",
                    "marketgate.simulator.mode = on",
                    "marketgate.data-dir = \""
                        + System.getProperty("java.io.tmpdir")
                        + "/marketgate-jmh\""))
            .withFallback(ConfigFactory.load())
            .resolve();
    system = ActorSystem.create(SpawnProtocol.create(), "Marketgate", config);
    Main.init(system, GatewaySettings.fromConfig(config))
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    sharding = ClusterSharding.get(system);
    nearCache = new NearCache(k -> Duration.ofMinutes(5).toMillis(), 10_000, Clock.systemUTC());
    keys = new FetchKey[SYMBOLS];
    for (int i = 0; i < SYMBOLS; i++) {
      keys[i] = FetchKey.of(Dataset.QUOTE, "JMH" + i);
      SymbolProtocol.Reply reply = ask(keys[i]);
      if (!(reply instanceof Answer a))
        throw new IllegalStateException("could not warm " + keys[i] + ": " + reply);
      nearCache.offer(a);
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    system.terminate();
  }

  private SymbolProtocol.Reply ask(FetchKey key) throws Exception {
    return sharding
        .entityRefFor(SymbolProtocol.ENTITY_KEY, key.symbol())
        .<SymbolProtocol.Reply>ask(
            replyTo ->
                new SymbolProtocol.Get(
                    key, -1, 3000, io.marketgate.protocol.RequestOrigin.INTERNAL, replyTo),
            Duration.ofSeconds(3))
        .toCompletableFuture()
        .get(3, TimeUnit.SECONDS);
  }

  private FetchKey nextKey() {
    next = (next + 1) % SYMBOLS;
    return keys[next];
  }

  /** What a hit costs without the near-cache: one sharded ask round trip, then encoding. */
  @Benchmark
  public byte[] shardedAskHit() throws Exception {
    Answer a = (Answer) ask(nextKey());
    return AnswerEncoder.encode(a, 1, 0, false);
  }

  /** What a hit costs with the near-cache: a map lookup with its age check, then encoding. */
  @Benchmark
  public byte[] nearCacheHit() {
    Answer a = nearCache.get(nextKey(), -1);
    return AnswerEncoder.encode(a, 1, 0, false);
  }
}
