package io.marketgate.app.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.util.Arrays;
import java.util.List;

/**
 * Reading helpers for settings that may come from HOCON lists or from comma-separated env values.
 */
final class ConfigValues {
  private ConfigValues() {}

  /** A list given either as a HOCON list or as one comma-separated string; blanks dropped. */
  static List<String> stringList(Config config, String path) {
    if (!config.hasPath(path)) return List.of();
    if (config.getValue(path).valueType() == ConfigValueType.LIST) {
      return config.getStringList(path).stream()
          .map(String::trim)
          .filter(s -> !s.isEmpty())
          .toList();
    }
    return splitCommaSeparated(config.getString(path));
  }

  static List<String> splitCommaSeparated(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  static void require(boolean condition, String message) {
    if (!condition) throw new IllegalArgumentException(message);
  }
}
