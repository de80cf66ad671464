package io.marketgate.app.caller;

import io.marketgate.protocol.Dataset;
import java.time.Duration;
import java.util.Set;

/**
 * A rights profile, which is also a tier: the datasets its callers may read, whether they may use
 * the operations endpoints, their requests per minute (0: no limit) and the freshest data they may
 * ask for ({@code Cache-Control: max-age} below {@code minMaxAge} is raised to it; {@code no-cache}
 * is honoured only when it is zero).
 */
public record Profile(
    String name, Set<Dataset> datasets, boolean admin, int requestsPerMinute, Duration minMaxAge) {

  public Profile {
    datasets = Set.copyOf(datasets);
    if (requestsPerMinute < 0)
      throw new IllegalArgumentException(name + ": rate-limit must not be negative");
    if (minMaxAge.isNegative())
      throw new IllegalArgumentException(name + ": min-max-age must not be negative");
  }

  public boolean mayRead(Dataset dataset) {
    return datasets.contains(dataset);
  }

  /**
   * The max age this profile may ask for, given the one asked for in milliseconds (negative: the
   * dataset's default, which stays).
   */
  public long boundedMaxAge(long requestedMillis) {
    return requestedMillis < 0 ? requestedMillis : Math.max(requestedMillis, minMaxAge.toMillis());
  }
}
