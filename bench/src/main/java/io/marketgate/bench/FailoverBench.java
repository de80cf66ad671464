package io.marketgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * Fail-over of a local three-node cluster started with {@code scripts/cluster.sh} (the shaded jar,
 * separate JVMs), measured from outside, several rounds: load on the two survivors throughout
 * (callers of 30 warm symbols, and {@code no-cache} requests for a warm symbol X whose entity lives
 * on node 2), SIGKILL of node 2, then a never-fetched symbol C of node 2's shards asked every 100
 * ms. Per round: the time from the kill to X's first fresh answer (direct or not), to X answered
 * fresh by its entity again (not direct), to C answered 200; and the requests that failed.
 *
 * <pre>bench/run.sh failover [--rounds 5]</pre>
 */
public final class FailoverBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADMIN_KEY = "failover-bench-admin-0001";
  private static final int VICTIM = 2;
  private static final int SHARDS_FALLBACK = 128;
  private static final List<String> WARM =
      IntStream.range(0, 30).mapToObj(i -> String.format("FO%02d", i)).toList();
  private static final Duration GIVE_UP = Duration.ofSeconds(90);

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Map<String, String> env = Map.of();

  /** One answer to the load: when it was sent and came back (status -1: no answer). */
  private record Sample(
      long sentMillis, long atMillis, String symbol, int status, boolean stale, boolean direct) {
    boolean fresh() {
      return status == 200 && !stale;
    }
  }

  /** What one round measured, in milliseconds after the kill (-1: not within the limit). */
  record Round(
      String symbol,
      long firstFresh,
      long entityAgain,
      long coldAnswered,
      long failed,
      long coldFailed,
      long requests) {}

  public static void main(String[] args) throws Exception {
    int rounds = 5;
    Path markdown = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--markdown" -> markdown = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    FailoverBench bench = new FailoverBench();
    List<Round> results = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      Round round = bench.round(r);
      results.add(round);
      System.out.printf(
          Locale.ROOT,
          "round %d: %s fresh after %d ms, its entity again after %d ms; cold symbol answered after"
              + " %d ms; %d of %d requests failed; %d requests for the cold symbol were not answered 200%n",
          r,
          round.symbol(),
          round.firstFresh(),
          round.entityAgain(),
          round.coldAnswered(),
          round.failed(),
          round.requests(),
          round.coldFailed());
    }
    String table = table(results);
    System.out.print(table);
    if (markdown != null) {
      Files.createDirectories(markdown.toAbsolutePath().getParent());
      Files.writeString(markdown, table);
    }
  }

  static String table(List<Round> rounds) {
    StringBuilder sb = new StringBuilder();
    sb.append("| failover (")
        .append(rounds.size())
        .append(" rounds) | min | median | max |\n|---|---:|---:|---:|\n");
    row(sb, "kill → first fresh answer for an owned symbol (ms)", rounds, Round::firstFresh);
    row(sb, "kill → its entity serving again (ms)", rounds, Round::entityAgain);
    row(
        sb,
        "kill → a never-fetched symbol of the dead node answered (ms)",
        rounds,
        Round::coldAnswered);
    row(sb, "requests failed on the survivors (count)", rounds, Round::failed);
    row(sb, "requests sent on the survivors (count)", rounds, Round::requests);
    row(
        sb,
        "requests for the never-fetched symbol not answered 200 (count)",
        rounds,
        Round::coldFailed);
    return sb.toString();
  }

  private static void row(
      StringBuilder sb,
      String figure,
      List<Round> rounds,
      java.util.function.ToLongFunction<Round> value) {
    long[] sorted = rounds.stream().mapToLong(value).sorted().toArray();
    if (sorted.length == 0) return;
    sb.append("| ")
        .append(figure)
        .append(" | ")
        .append(sorted[0])
        .append(" | ")
        .append(sorted[(sorted.length - 1) / 2])
        .append(" | ")
        .append(sorted[sorted.length - 1])
        .append(" |\n");
  }

  private Round round(int number) throws Exception {
    Path dir = Files.createTempDirectory("marketgate-failover-" + number + "-");
    env =
        Map.of(
            "MARKETGATE_CLUSTER_DIR",
            dir.toString(),
            "MARKETGATE_CLIENTS",
            ADMIN_KEY + "=admin",
            "MARKETGATE_ANONYMOUS_PROFILE",
            "premium",
            "MARKETGATE_RATE_LIMIT_PREMIUM",
            "0");
    cluster("start", "3");
    try {
      return measure();
    } finally {
      cluster("stop");
    }
  }

  private Round measure() throws Exception {
    for (int i = 0; i < WARM.size(); i++) {
      Sample s = get(i % 3, WARM.get(i), "max-age=300");
      if (s.status() != 200) throw new IllegalStateException("warming " + WARM.get(i) + ": " + s);
    }
    // The write-behind last-good store flushes every 0.5 s: give it a few flushes.
    Thread.sleep(2000);
    JsonNode cluster = adminJson("/api/v1/cluster");
    int shards = cluster.path("settings").path("number_of_shards").asInt(SHARDS_FALLBACK);
    Set<String> victimShards = new HashSet<>();
    for (JsonNode m : cluster.get("members")) {
      if (m.get("address").asText().endsWith(":" + (17355 + VICTIM))) {
        m.path("shards")
            .path("symbol")
            .path("shard_ids")
            .forEach(id -> victimShards.add(id.asText()));
      }
    }
    Predicate<String> onVictim = s -> victimShards.contains(shardOf(s, shards));
    String x =
        WARM.stream()
            .filter(onVictim)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no warm symbol on node " + VICTIM));
    String cold =
        IntStream.range(0, 10_000)
            .mapToObj(i -> String.format("CX%04d", i))
            .filter(onVictim)
            .findFirst()
            .orElseThrow();

    ConcurrentLinkedQueue<Sample> load = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Sample> ownedProbes = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Sample> coldProbes = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicBoolean probingCold = new AtomicBoolean(false);
    // Callers of the warm symbols, one after another on each survivor.
    List<Thread> callers = new ArrayList<>();
    for (int survivor = 0; survivor < 2; survivor++) {
      int node = survivor;
      callers.add(
          started(
              () -> {
                while (running.get()) {
                  String warm = WARM.get(ThreadLocalRandom.current().nextInt(WARM.size()));
                  load.add(get(node, warm, "max-age=300"));
                }
              }));
    }
    // X with no-cache, and after the kill the cold symbol, every 100 ms whether or not earlier
    // requests have been answered: the figures are exact to 100 ms.
    ExecutorService requests = Executors.newCachedThreadPool();
    ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger tick = new AtomicInteger();
    ticks.scheduleAtFixedRate(
        () -> {
          int node = tick.incrementAndGet() % 2;
          requests.execute(() -> ownedProbes.add(get(node, x, "no-cache")));
          if (probingCold.get()) requests.execute(() -> coldProbes.add(get(node, cold, null)));
        },
        0,
        100,
        TimeUnit.MILLISECONDS);
    Thread.sleep(1000);
    // From when SIGKILL was sent (the script returns right after): requests sent earlier may
    // still have been answered by the victim.
    cluster("kill", Integer.toString(VICTIM));
    long killedAt = System.currentTimeMillis();
    probingCold.set(true);
    long limit = killedAt + GIVE_UP.toMillis();
    while (System.currentTimeMillis() < limit
        && !(first(ownedProbes, killedAt, s -> s.fresh() && !s.direct()) >= 0
            && first(coldProbes, killedAt, Sample::fresh) >= 0)) {
      pause(100);
    }
    // A little more load after both, to see that nothing fails once the entity is back.
    pause(2000);
    ticks.shutdownNow();
    running.set(false);
    for (Thread t : callers) t.join();
    requests.shutdown();
    requests.awaitTermination(15, TimeUnit.SECONDS);
    load.addAll(ownedProbes);
    long failed = load.stream().filter(s -> s.status() != 200).count();
    return new Round(
        x,
        first(ownedProbes, killedAt, Sample::fresh),
        first(ownedProbes, killedAt, s -> s.fresh() && !s.direct()),
        first(coldProbes, killedAt, Sample::fresh),
        failed,
        coldProbes.stream().filter(s -> s.status() != 200).count(),
        load.size());
  }

  /**
   * Milliseconds from {@code since} to the answer of the first request sent after it that matches;
   * -1 if none.
   */
  private static long first(
      ConcurrentLinkedQueue<Sample> samples, long since, Predicate<Sample> matching) {
    return samples.stream()
        .filter(s -> s.sentMillis() > since && matching.test(s))
        .mapToLong(s -> s.atMillis() - since)
        .min()
        .orElse(-1);
  }

  private Sample get(int node, String symbol, String cacheControl) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + (8080 + node) + "/api/v1/quotes/" + symbol))
            .timeout(Duration.ofSeconds(10));
    if (cacheControl != null) request.header("Cache-Control", cacheControl);
    long sent = System.currentTimeMillis();
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      long at = System.currentTimeMillis();
      if (response.statusCode() != 200)
        return new Sample(sent, at, symbol, response.statusCode(), false, false);
      JsonNode body = JSON.readTree(response.body());
      return new Sample(
          sent,
          at,
          symbol,
          200,
          body.path("stale").asBoolean(),
          body.path("metadata").path("direct").asBoolean());
    } catch (IOException e) {
      return new Sample(sent, System.currentTimeMillis(), symbol, -1, false, false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Sample(sent, System.currentTimeMillis(), symbol, -1, false, false);
    }
  }

  private JsonNode adminJson(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:8080" + path))
                .header("X-API-Key", ADMIN_KEY)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  /** Pekko's HashCodeMessageExtractor: |hashCode % shards|. */
  private static String shardOf(String entityId, int shards) {
    return Integer.toString(Math.abs(entityId.hashCode() % shards));
  }

  /** Runs {@code scripts/cluster.sh args} in this round's cluster directory. */
  private void cluster(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("scripts/cluster.sh"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    builder.redirectOutput(
        ProcessBuilder.Redirect.appendTo(
            Path.of(env.get("MARKETGATE_CLUSTER_DIR"), "cluster-commands.log").toFile()));
    int status = builder.start().waitFor();
    if (status != 0)
      throw new IllegalStateException(
          "scripts/cluster.sh " + String.join(" ", args) + " exited " + status);
  }

  private static Thread started(Runnable task) {
    Thread thread = new Thread(task);
    thread.start();
    return thread;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
