package io.marketgate.app.config;

import com.typesafe.config.Config;
import java.util.Locale;

/** The built-in provider simulator (MARKETGATE_SIMULATOR, MARKETGATE_SIMULATOR_PORT). */
public record SimulatorSettings(Mode mode, String host, int port) {

  public enum Mode {
    ON,
    OFF,
    /** On when no provider has a base URL or key of its own. */
    AUTO
  }

  public SimulatorSettings {
    ConfigValues.require(port >= 0 && port < 65536, "simulator port out of range: " + port);
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
    return new SimulatorSettings(mode, sim.getString("host"), sim.getInt("port"));
  }
}
