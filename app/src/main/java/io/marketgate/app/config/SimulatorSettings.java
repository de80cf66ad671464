package io.marketgate.app.config;

import com.typesafe.config.Config;
import java.util.Locale;
import java.util.Set;

/**
 * The built-in provider simulator (MARKETGATE_SIMULATOR, MARKETGATE_SIMULATOR_PORT) and the
 * providers it stands in for (MARKETGATE_SIMULATOR_PROVIDERS: names, or {@code all}).
 */
public record SimulatorSettings(Mode mode, String host, int port, Set<String> providers) {
  private static final String ALL = "all";

  public enum Mode {
    ON,
    OFF,
    /** On when no provider has a base URL or key of its own. */
    AUTO
  }

  public SimulatorSettings {
    ConfigValues.require(port >= 0 && port < 65536, "simulator port out of range: " + port);
    providers = Set.copyOf(providers);
  }

  /** Whether the simulator stands in for {@code provider} when it has no settings of its own. */
  public boolean simulates(String provider) {
    return providers.contains(ALL) || providers.contains(provider);
  }

  static SimulatorSettings fromConfig(Config sim) {
    String raw = sim.getString("mode").trim().toLowerCase(Locale.ROOT);
    Mode mode =
        switch (raw) {
          case "on", "true", "yes" -> Mode.ON;
          case "off", "false", "no" -> Mode.OFF;
          case "auto", "" -> Mode.AUTO;
          default ->
              throw new IllegalArgumentException(
                  "MARKETGATE_SIMULATOR must be on, off or auto, not '" + raw + "'");
        };
    Set<String> providers =
        Set.copyOf(
            ConfigValues.stringList(sim, "providers").stream()
                .map(p -> p.toLowerCase(Locale.ROOT))
                .toList());
    return new SimulatorSettings(mode, sim.getString("host"), sim.getInt("port"), providers);
  }
}
