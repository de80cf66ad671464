package io.marketgate.app.config;

import com.typesafe.config.Config;
import io.marketgate.protocol.Dataset;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** Max age per dataset and the bounds of each symbol's cache. */
public record CacheSettings(
    Map<Dataset, Duration> maxAge, Duration notFoundTtl, int maxEntriesPerSymbol) {

  public CacheSettings {
    maxAge = Map.copyOf(maxAge);
    for (Dataset d : Dataset.values()) {
      ConfigValues.require(maxAge.containsKey(d), "no cache max age for dataset " + d.wireName());
      ConfigValues.require(!maxAge.get(d).isNegative(), "negative cache max age for " + d.wireName());
    }
    ConfigValues.require(maxEntriesPerSymbol > 0, "max-entries-per-symbol must be positive");
  }

  static CacheSettings fromConfig(Config cache) {
    Map<Dataset, Duration> ttl = new EnumMap<>(Dataset.class);
    for (Dataset d : Dataset.values()) {
      ttl.put(d, cache.getDuration("ttl." + d.wireName()));
    }
    return new CacheSettings(
        ttl, cache.getDuration("not-found-ttl"), cache.getInt("max-entries-per-symbol"));
  }

  public Duration maxAge(Dataset dataset) {
    return maxAge.get(dataset);
  }
}
