package io.marketgate.app.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.util.List;
import java.util.Locale;

/**
 * Which providers serve a dataset and how: {@link Mode#FALLBACK} tries them in order until one
 * answers; {@link Mode#MERGE} asks all at once and merges what at least {@code minProviders}
 * answered.
 */
public record DatasetRouting(List<String> providers, Mode mode, int minProviders) {

  public enum Mode {
    FALLBACK,
    MERGE
  }

  public DatasetRouting {
    providers = List.copyOf(providers);
    ConfigValues.require(minProviders >= 1, "min-providers must be at least 1");
  }

  public static final DatasetRouting NONE = new DatasetRouting(List.of(), Mode.FALLBACK, 1);

  /** A list (fallback order), or an object with providers, mode and min-providers. */
  static DatasetRouting fromConfig(Config datasets, String path) {
    if (datasets.getValue(path).valueType() != ConfigValueType.OBJECT) {
      return new DatasetRouting(ConfigValues.stringList(datasets, path), Mode.FALLBACK, 1);
    }
    Config c = datasets.getConfig(path);
    String mode = c.hasPath("mode") ? c.getString("mode").toLowerCase(Locale.ROOT) : "fallback";
    return new DatasetRouting(
        ConfigValues.stringList(c, "providers"),
        switch (mode) {
          case "merge" -> Mode.MERGE;
          case "fallback" -> Mode.FALLBACK;
          default ->
              throw new IllegalArgumentException(
                  "dataset " + path + ": mode must be fallback or merge, not " + mode);
        },
        c.hasPath("min-providers") ? c.getInt("min-providers") : 1);
  }
}
