package io.marketgate.persistence.quota;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How leases work ({@code marketgate.quota}): a lease's permits must be used within {@code
 * lease-ttl}; grants are counted over each window plus {@code lease-ttl} plus {@code margin}, so
 * that calls made with leased permits stay within the limit in any window of the provider's own
 * length; a node asks the quota entity at most {@code ask-timeout} long.
 */
public record QuotaSettings(
    Duration leaseTtl, Duration margin, Duration askTimeout, Duration recheckAfter) {

  public static QuotaSettings fromConfig(Config c) {
    return new QuotaSettings(
        c.getDuration("lease-ttl"),
        c.getDuration("margin"),
        c.getDuration("ask-timeout"),
        c.getDuration("recheck-after"));
  }

  /** The span over which grants are counted against a limit of window {@code window}. */
  public Duration countedOver(Duration window) {
    return window.plus(leaseTtl).plus(margin);
  }
}
