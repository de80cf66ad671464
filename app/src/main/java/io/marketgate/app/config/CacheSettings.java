package io.marketgate.app.config;

import com.typesafe.config.Config;
import io.marketgate.protocol.Dataset;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** Max age per dataset and the bounds of each symbol's cache. */
public record CacheSettings(
    Map<Dataset, Duration> maxAge,
    Duration notFoundTtl,
    Duration failureBackoff,
    int maxEntriesPerSymbol,
    int nearCacheMaxEntries) {

  public CacheSettings {
    maxAge = Map.copyOf(maxAge);
    for (Dataset d : Dataset.values()) {
      ConfigValues.require(maxAge.containsKey(d), "no cache max age for dataset " + d.wireName());
      ConfigValues.require(
          !maxAge.get(d).isNegative(), "negative cache max age for " + d.wireName());
    }
    ConfigValues.require(maxEntriesPerSymbol > 0, "max-entries-per-symbol must be positive");
    ConfigValues.require(
        nearCacheMaxEntries >= 0, "MARKETGATE_NEAR_CACHE_MAX_ENTRIES must not be negative");
  }

  static CacheSettings fromConfig(Config cache) {
    Map<Dataset, Duration> ttl = new EnumMap<>(Dataset.class);
    for (Dataset d : Dataset.values()) {
      ttl.put(d, cache.getDuration("ttl." + d.wireName()));
    }
    int nearCache =
        cache.getBoolean("near-cache.enabled") ? cache.getInt("near-cache.max-entries") : 0;
    return new CacheSettings(
        ttl,
        cache.getDuration("not-found-ttl"),
        cache.getDuration("failure-backoff"),
        cache.getInt("max-entries-per-symbol"),
        nearCache);
  }

  public Duration maxAge(Dataset dataset) {
    return maxAge.get(dataset);
  }
}
