package io.marketgate.app.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Connection pool sizing shared by the providers' HTTP clients: Pekko's defaults (4 connections, 32
 * open requests) overflow under a herd of distinct symbols.
 */
public record ProviderHttpSettings(
    int maxConnections, int maxOpenRequests, Duration keepAliveTimeout, long maxResponseBytes) {

  public ProviderHttpSettings {
    ConfigValues.require(maxConnections > 0, "provider-http.max-connections must be positive");
    ConfigValues.require(
        maxOpenRequests > 0 && Integer.bitCount(maxOpenRequests) == 1,
        "provider-http.max-open-requests must be a power of two");
    ConfigValues.require(maxResponseBytes > 0, "provider-http.max-response-bytes must be positive");
  }

  static ProviderHttpSettings fromConfig(Config http) {
    return new ProviderHttpSettings(
        http.getInt("max-connections"),
        http.getInt("max-open-requests"),
        http.getDuration("keep-alive-timeout"),
        http.getBytes("max-response-bytes"));
  }
}
