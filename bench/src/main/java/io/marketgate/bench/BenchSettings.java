package io.marketgate.bench;

import java.time.Duration;
import java.util.List;

/**
 * Where the benchmark points and how long each scenario runs (command-line options); {@code apiKey}
 * is sent as {@code X-API-Key} with every data request, {@code adminKey} with operations.
 */
record BenchSettings(
    String gatewayUrl,
    String simulatorUrl,
    String bareUrl,
    String nginxUrl,
    String nginxOutageUrl,
    long gatewayPid,
    List<String> scenarios,
    int loadThreads,
    Duration warmup,
    Duration hotDuration,
    Duration outageDuration,
    double fixedRate,
    Duration fixedRateDuration,
    int memorySymbols,
    int herdWarmupRounds,
    int hotRounds,
    String markdownOut,
    String apiKey,
    String adminKey) {

  static final List<String> ALL =
      List.of("hot", "herd", "outage-503", "outage-hang", "outage-429", "recovery", "fixed-rate");

  static BenchSettings parse(String[] args) {
    String gateway = "http://127.0.0.1:8080";
    String simulator = null;
    String bare = null;
    String nginx = null;
    String nginxOutage = null;
    long pid = 0;
    List<String> scenarios = ALL;
    int threads = 2;
    int herdWarmup = 5;
    int hotRounds = 3;
    Duration warmup = Duration.ofSeconds(15);
    Duration hot = Duration.ofSeconds(15);
    Duration outage = Duration.ofSeconds(10);
    double rate = 5000;
    Duration rateDuration = Duration.ofSeconds(30);
    int memory = 100_000;
    String out = null;
    String apiKey = null;
    String adminKey = null;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--gateway" -> gateway = value;
        case "--simulator" -> simulator = value;
        case "--bare" -> bare = value.isEmpty() ? null : value;
        case "--nginx" -> nginx = value.isEmpty() ? null : value;
        case "--nginx-outage" -> nginxOutage = value.isEmpty() ? null : value;
        case "--gateway-pid" -> pid = Long.parseLong(value);
        case "--scenarios" -> scenarios = value.equals("all") ? ALL : List.of(value.split(","));
        case "--threads" -> threads = Integer.parseInt(value);
        case "--warmup" -> warmup = Duration.ofSeconds(Long.parseLong(value));
        case "--hot-seconds" -> hot = Duration.ofSeconds(Long.parseLong(value));
        case "--outage-seconds" -> outage = Duration.ofSeconds(Long.parseLong(value));
        case "--rate" -> rate = Double.parseDouble(value);
        case "--rate-seconds" -> rateDuration = Duration.ofSeconds(Long.parseLong(value));
        case "--memory-symbols" -> memory = Integer.parseInt(value);
        case "--herd-warmup-rounds" -> herdWarmup = Integer.parseInt(value);
        case "--hot-rounds" -> hotRounds = Integer.parseInt(value);
        case "--markdown" -> out = value;
        case "--api-key" -> apiKey = value.isEmpty() ? null : value;
        case "--admin-key" -> adminKey = value.isEmpty() ? null : value;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
      i++;
    }
    return new BenchSettings(
        gateway,
        simulator,
        bare,
        nginx,
        nginxOutage,
        pid,
        scenarios,
        threads,
        warmup,
        hot,
        outage,
        rate,
        rateDuration,
        memory,
        herdWarmup,
        hotRounds,
        out,
        apiKey,
        adminKey);
  }
}
