package io.marketgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs named scenarios against a started gateway and prints a table; bench/run.sh starts the
 * gateway, the simulator and the ceilings and calls this.
 *
 * <pre>java -jar marketgate-bench.jar --gateway http://127.0.0.1:8080 --scenarios hot,herd
 *     [--bare http://127.0.0.1:8090] [--nginx http://127.0.0.1:8091] [--gateway-pid N]</pre>
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws IOException {
    BenchSettings settings = BenchSettings.parse(args);
    String simulator =
        settings.simulatorUrl() != null
            ? settings.simulatorUrl()
            : SimulatorControl.discoverSimulator(settings.gatewayUrl(), settings.adminKey());
    Report report = new Report();
    Scenarios scenarios =
        new Scenarios(
            settings,
            new SimulatorControl(
                simulator, settings.gatewayUrl(), settings.apiKey(), settings.adminKey()),
            report);
    for (String name : settings.scenarios()) {
      System.out.println("== " + name);
      switch (name) {
        case "hot" -> scenarios.hot();
        case "herd" -> scenarios.herd();
        case "outage-503" -> scenarios.outage("503");
        case "outage-hang" -> scenarios.outage("hang");
        case "outage-429" -> scenarios.outage("429");
        case "fixed-rate" -> scenarios.fixedRate();
        case "memory" -> scenarios.memory();
        case "recovery" -> scenarios.recovery();
        default -> throw new IllegalArgumentException("unknown scenario " + name);
      }
    }
    String table = report.markdown();
    System.out.println();
    System.out.println(table);
    if (settings.markdownOut() != null) Files.writeString(Path.of(settings.markdownOut()), table);
  }
}
