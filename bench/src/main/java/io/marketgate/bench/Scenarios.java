package io.marketgate.bench;

import io.marketgate.bench.load.LoadGenerator;
import io.marketgate.bench.load.LoadGenerator.Target;
import io.marketgate.bench.load.LoadResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The named benchmark scenarios of docs/BENCHMARKS.md, each measured on the gateway and, where it
 * means something, on the same machine's ceilings: a bare Pekko HTTP route and nginx proxy_cache in
 * front of the same simulator.
 */
final class Scenarios {
  private final BenchSettings settings;
  private final SimulatorControl control;
  private final Report report;
  private final Target gateway;
  private final long runId = System.currentTimeMillis() % 100_000;
  private int herdRound;

  Scenarios(BenchSettings settings, SimulatorControl control, Report report) {
    this.settings = settings;
    this.control = control;
    this.report = report;
    this.gateway = Target.of(settings.gatewayUrl());
  }

  /**
   * Requests as a caller sends them: with the benchmark's X-API-Key (to every target alike, so the
   * bytes compare).
   */
  private List<byte[]> requests(
      Target target, int count, IntFunction<String> path, String... headers) {
    String[] all = headers;
    if (settings.apiKey() != null) {
      all = java.util.Arrays.copyOf(headers, headers.length + 2);
      all[headers.length] = "X-API-Key";
      all[headers.length + 1] = settings.apiKey();
    }
    List<byte[]> list = new ArrayList<>(count);
    for (int i = 0; i < count; i++) list.add(LoadGenerator.get(target, path.apply(i), all));
    return list;
  }

  private static String quote(String symbol) {
    return "/api/v1/quotes/" + symbol;
  }

  private void warm(String baseUrl, List<String> symbols) {
    for (String s : symbols) control.warm(baseUrl + quote(s));
  }

  private List<String> symbols(String prefix, int count) {
    List<String> list = new ArrayList<>();
    for (int i = 0; i < count; i++) list.add(symbol(prefix, i));
    return list;
  }

  /** A symbol unique to this run; fails fast if it would not be a valid ticker symbol. */
  private String symbol(String prefix, int i) {
    String s = prefix + runId + "X" + i;
    if (s.length() > io.marketgate.protocol.Symbols.MAX_LENGTH)
      throw new IllegalArgumentException("symbol too long: " + s);
    return s;
  }

  private void cleanSlate() {
    control.reset();
    control.resetBreakers();
  }

  /**
   * 100 warm symbols, 64 connections, closed loop: throughput, latency, provider calls (must be 0).
   */
  void hot() {
    List<String> symbols = symbols("HOT", 100);
    cleanSlate();
    warm(settings.gatewayUrl(), symbols);
    if (settings.nginxUrl() != null) warm(settings.nginxUrl(), symbols);
    control.reset();
    // Rounds alternate between the targets so that drift on a shared machine hits all alike;
    // each figure is the round with the median throughput.
    List<LoadResult> gRounds = new ArrayList<>();
    List<LoadResult> bareRounds = new ArrayList<>();
    List<LoadResult> nginxRounds = new ArrayList<>();
    for (int round = 0; round < settings.hotRounds(); round++) {
      Duration warmup = round == 0 ? settings.warmup() : Duration.ofSeconds(3);
      gRounds.add(hotRun(gateway, symbols, warmup));
      if (settings.bareUrl() != null)
        bareRounds.add(hotRun(Target.of(settings.bareUrl()), symbols, warmup));
      if (settings.nginxUrl() != null)
        nginxRounds.add(hotRun(Target.of(settings.nginxUrl()), symbols, warmup));
    }
    long calls = control.calls();
    LoadResult g = median(gRounds);
    LoadResult bare = median(bareRounds);
    LoadResult nginx = median(nginxRounds);
    report.add("hot", "throughput", g.throughput(), tp(bare), tp(nginx), "req/s");
    report.add("hot", "p50", g.percentileMillis(50), p(bare, 50), p(nginx, 50), "ms");
    report.add("hot", "p99", g.percentileMillis(99), p(bare, 99), p(nginx, 99), "ms");
    report.add("hot", "p99.9", g.percentileMillis(99.9), p(bare, 99.9), p(nginx, 99.9), "ms");
    report.add("hot", "non-200 answers", nonOk(g), "count");
    report.add("hot", "provider calls during the run", calls, "calls");
  }

  private static LoadResult median(List<LoadResult> rounds) {
    if (rounds.isEmpty()) return null;
    List<LoadResult> sorted = new ArrayList<>(rounds);
    sorted.sort(java.util.Comparator.comparingDouble(LoadResult::throughput));
    return sorted.get(sorted.size() / 2);
  }

  private LoadResult hotRun(Target target, List<String> symbols, Duration warmup) {
    List<byte[]> requests = requests(target, symbols.size(), i -> quote(symbols.get(i)));
    LoadResult r =
        LoadGenerator.closedLoop(
            target, requests, 64, settings.loadThreads(), warmup, settings.hotDuration());
    System.out.println("  " + target + ": " + r);
    return r;
  }

  /**
   * 200 requests for one cold symbol, then 50 cold symbols × 20, with 200 ms provider latency, sent
   * at one moment over established keep-alive connections.
   */
  void herd() {
    cleanSlate();
    herdRound++;
    String prime = "PRIME" + runId;
    control.warm(settings.gatewayUrl() + quote(prime));
    if (settings.nginxUrl() != null) control.warm(settings.nginxUrl() + quote(prime));
    String latency = "{\"mode\":\"none\",\"latency_ms\":200}";
    control.fault("fmp", latency);
    control.fault("polygon", latency);

    // Unmeasured rounds first: the miss path's code is compiled by the JIT, as on a node that
    // has been serving for a while.
    for (int w = 0; w < settings.herdWarmupRounds(); w++) {
      burst(gateway, prime, List.of(symbol("HW" + herdRound + "R" + w, 0)), 200);
      burst(gateway, prime, symbols("HW" + herdRound + "S" + w, 50), 1000);
    }
    String one = "HERD" + herdRound + "R" + runId;
    List<String> fifty = symbols("HS" + herdRound + "R", 50);
    Burst single = burst(gateway, prime, List.of(one), 200);
    Burst many = burst(gateway, prime, fifty, 1000);
    Burst nginxSingle = null;
    Burst nginxMany = null;
    if (settings.nginxUrl() != null) {
      Target nginx = Target.of(settings.nginxUrl());
      nginxSingle = burst(nginx, prime, List.of("N" + one), 200);
      nginxMany = burst(nginx, prime, symbols("NH" + herdRound + "R", 50), 1000);
    }
    cleanSlate();
    reportHerd("herd 1×200", single, nginxSingle);
    reportHerd("herd 50×20", many, nginxMany);
  }

  private record Burst(LoadResult result, long providerCalls) {}

  /**
   * {@code connections} keep-alive connections, primed with a cached symbol, then one request each.
   */
  private Burst burst(Target target, String primeSymbol, List<String> symbols, int connections) {
    long before = control.calls();
    LoadResult r =
        LoadGenerator.burst(
            target,
            requests(target, 1, i -> quote(primeSymbol)).get(0),
            requests(target, symbols.size(), i -> quote(symbols.get(i))),
            connections,
            Duration.ofSeconds(30));
    Burst b = new Burst(r, control.calls() - before);
    System.out.println(
        "  "
            + target
            + " burst of "
            + connections
            + ": "
            + r
            + ", provider calls "
            + b.providerCalls());
    return b;
  }

  private void reportHerd(String name, Burst g, Burst nginx) {
    report.add(
        name,
        "provider calls",
        g.providerCalls(),
        Double.NaN,
        nginx == null ? Double.NaN : nginx.providerCalls(),
        "calls");
    report.add(
        name,
        "p50",
        g.result().percentileMillis(50),
        Double.NaN,
        nginx == null ? Double.NaN : nginx.result().percentileMillis(50),
        "ms");
    report.add(
        name,
        "p99",
        g.result().percentileMillis(99),
        Double.NaN,
        nginx == null ? Double.NaN : nginx.result().percentileMillis(99),
        "ms");
    report.add(
        name,
        "time until the last answer",
        millis(g.result()),
        Double.NaN,
        nginx == null ? Double.NaN : millis(nginx.result()),
        "ms");
    report.add(name, "non-200 answers", nonOk(g.result()), "count");
  }

  /**
   * 20 symbols whose values are older than the max age the callers ask for (1 s), every provider
   * failing the way {@code mode} says, 16 connections for 10 s.
   */
  void outage(String mode) {
    String name = "outage-" + mode;
    // A hung call is answered (504) after 5 s, so none is still open when the next scenario runs.
    String fault = "{\"mode\":\"" + mode + "\",\"hang_ms\":5000}";
    cleanSlate();
    List<String> symbols = symbols("OUT" + mode.toUpperCase(), 20);
    warm(settings.gatewayUrl(), symbols);
    awaitOlderThanOneSecond();
    control.reset();
    control.fault("fmp", fault);
    control.fault("polygon", fault);
    LoadResult g = outageRun(gateway, symbols);
    double gatewayCallsPerSecond = control.calls() / (double) settings.outageDuration().toSeconds();

    LoadResult nginx = null;
    double nginxCallsPerSecond = Double.NaN;
    if (settings.nginxOutageUrl() != null) {
      cleanSlate();
      warm(settings.nginxOutageUrl(), symbols);
      awaitOlderThanOneSecond();
      control.reset();
      control.fault("fmp", fault);
      nginx = outageRun(Target.of(settings.nginxOutageUrl()), symbols);
      nginxCallsPerSecond = control.calls() / (double) settings.outageDuration().toSeconds();
    }
    cleanSlate();
    report.add(
        name,
        "share of 200 (stale) answers",
        share200(g),
        Double.NaN,
        nginx == null ? Double.NaN : share200(nginx),
        "%");
    report.add(name, "throughput", g.throughput(), Double.NaN, tp(nginx), "req/s");
    report.add(name, "p50", g.percentileMillis(50), Double.NaN, p(nginx, 50), "ms");
    report.add(name, "p99", g.percentileMillis(99), Double.NaN, p(nginx, 99), "ms");
    report.add(
        name,
        "provider calls per second",
        gatewayCallsPerSecond,
        Double.NaN,
        nginxCallsPerSecond,
        "calls/s");
  }

  private LoadResult outageRun(Target target, List<String> symbols) {
    List<byte[]> requests =
        requests(target, symbols.size(), i -> quote(symbols.get(i)), "Cache-Control", "max-age=1");
    LoadResult r =
        LoadGenerator.closedLoop(target, requests, 16, 1, Duration.ZERO, settings.outageDuration());
    System.out.println("  " + target + ": " + r);
    return r;
  }

  /**
   * Every quote provider answers 503 for {@code --outage-seconds} while callers ask for cold
   * symbols (20 a second), then recovers: how long until a cold symbol is answered 200 and fresh,
   * and how many calls the outage cost. The breakers' trials decide it: open for the probe
   * interval, then twice as long after each failed trial, and each trial waits for the next caller,
   * so sparser callers see a later recovery (5 a second add about 0.8 s).
   */
  private static final Duration CALLER_PAUSE = Duration.ofMillis(50);

  void recovery() {
    cleanSlate();
    // A warm path, as in production: the first request of a fresh JVM takes ~0.4 s.
    control.fetch(settings.gatewayUrl() + quote(symbol("RECWARM", 0)));
    control.reset();
    control.fault("fmp", "{\"mode\":\"503\"}");
    control.fault("polygon", "{\"mode\":\"503\"}");
    long outageEnd = System.nanoTime() + settings.outageDuration().toNanos();
    int i = 0;
    while (System.nanoTime() < outageEnd) {
      control.fetch(settings.gatewayUrl() + quote(symbol("REC", i++)));
      LockSupport.parkNanos(CALLER_PAUSE.toNanos());
    }
    long outageCalls = control.calls();
    control.reset();
    long recovered = System.nanoTime();
    long deadline = recovered + Duration.ofSeconds(90).toNanos();
    double seconds = Double.NaN;
    while (System.nanoTime() < deadline) {
      SimulatorControl.Fetched f = control.fetch(settings.gatewayUrl() + quote(symbol("REC", i++)));
      if (f.fresh()) {
        seconds = (System.nanoTime() - recovered) / 1e9;
        break;
      }
      LockSupport.parkNanos(CALLER_PAUSE.toNanos());
    }
    cleanSlate();
    System.out.printf(
        "  recovery: a cold symbol fresh %.1f s after the providers recovered from a %d s outage%n",
        seconds, settings.outageDuration().toSeconds());
    report.add("recovery", "cold symbol fresh after the recovery", seconds, "s");
    report.add(
        "recovery",
        "provider calls during the outage (" + settings.outageDuration().toSeconds() + " s)",
        outageCalls,
        "calls");
  }

  /** The warmed values must be older than the 1 s max age the outage requests ask for. */
  private static void awaitOlderThanOneSecond() {
    long until = System.nanoTime() + Duration.ofMillis(1100).toNanos();
    while (System.nanoTime() < until) LockSupport.parkNanos(until - System.nanoTime());
  }

  /** An open-loop steady rate on warm symbols: latency without coordinated omission. */
  void fixedRate() {
    List<String> symbols = symbols("RATE", 100);
    cleanSlate();
    warm(settings.gatewayUrl(), symbols);
    LoadResult g = rateRun(gateway, symbols);
    LoadResult bare =
        settings.bareUrl() == null ? null : rateRun(Target.of(settings.bareUrl()), symbols);
    LoadResult nginx = null;
    if (settings.nginxUrl() != null) {
      warm(settings.nginxUrl(), symbols);
      nginx = rateRun(Target.of(settings.nginxUrl()), symbols);
    }
    String name = "fixed-rate " + (int) settings.fixedRate() + "/s";
    report.add(name, "achieved rate", g.throughput(), tp(bare), tp(nginx), "req/s");
    report.add(name, "p50", g.percentileMillis(50), p(bare, 50), p(nginx, 50), "ms");
    report.add(name, "p99", g.percentileMillis(99), p(bare, 99), p(nginx, 99), "ms");
    report.add(name, "p99.9", g.percentileMillis(99.9), p(bare, 99.9), p(nginx, 99.9), "ms");
    report.add(
        name,
        "max",
        g.maxMillis(),
        bare == null ? Double.NaN : bare.maxMillis(),
        nginx == null ? Double.NaN : nginx.maxMillis(),
        "ms");
  }

  private LoadResult rateRun(Target target, List<String> symbols) {
    List<byte[]> requests = requests(target, symbols.size(), i -> quote(symbols.get(i)));
    LoadResult r =
        LoadGenerator.openLoop(
            target,
            requests,
            64,
            settings.fixedRate(),
            settings.warmup(),
            settings.fixedRateDuration());
    System.out.println("  " + target + ": " + r);
    return r;
  }

  /** Heap per cached quote: used heap after full GCs, before and after caching N fresh symbols. */
  void memory() {
    if (settings.gatewayPid() <= 0) {
      System.out.println("memory: skipped, no --gateway-pid");
      return;
    }
    int count = settings.memorySymbols();
    cleanSlate();
    long before = usedHeapAfterGc(settings.gatewayPid());
    List<String> symbols = symbols("MEM", count);
    LoadResult r =
        LoadGenerator.each(gateway, requests(gateway, count, i -> quote(symbols.get(i))), 64);
    System.out.println("  cached " + count + " symbols: " + r);
    control.reset();
    long after = usedHeapAfterGc(settings.gatewayPid());
    report.add("memory", "symbols cached", r.count(200), "count");
    report.add("memory", "heap per cached quote", (after - before) / (double) count, "bytes");
  }

  static long usedHeapAfterGc(long pid) {
    run("jcmd", Long.toString(pid), "GC.run");
    String info = run("jcmd", Long.toString(pid), "GC.heap_info");
    Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
    if (!m.find()) throw new IllegalStateException("no heap figure in: " + info);
    return Long.parseLong(m.group(1)) * 1024;
  }

  private static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      StringBuilder out = new StringBuilder();
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        r.lines().forEach(l -> out.append(l).append('\n'));
      }
      if (p.waitFor() != 0)
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      return out.toString();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static double tp(LoadResult r) {
    return r == null ? Double.NaN : r.throughput();
  }

  private static double p(LoadResult r, double percentile) {
    return r == null ? Double.NaN : r.percentileMillis(percentile);
  }

  private static double orNaN(long v) {
    return v < 0 ? Double.NaN : v;
  }

  private static double nonOk(LoadResult r) {
    return r.completed() - r.count(200) + r.errors();
  }

  private static double share200(LoadResult r) {
    long total = r.completed() + r.errors();
    return total == 0 ? 0 : 100.0 * r.count(200) / total;
  }

  private static double millis(LoadResult r) {
    return r.window().toNanos() / 1e6;
  }
}
