package io.marketgate.app.provider;

import java.util.Map;

/**
 * One HTTP GET an adapter wants sent: the path and query below the provider's base URL, extra
 * headers, and an endpoint label for metrics and audit that never contains a secret.
 */
public record ProviderRequest(String pathAndQuery, Map<String, String> headers, String endpoint) {
  public ProviderRequest {
    headers = Map.copyOf(headers);
  }
}
