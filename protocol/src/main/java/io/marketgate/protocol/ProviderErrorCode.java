package io.marketgate.protocol;

/** Why one provider attempt did not produce data (SPEC §3 error codes). */
public enum ProviderErrorCode {
  /** The attempt ran out of its time budget. */
  TIMEOUT,
  /** The provider (or our quota for it) asked us to slow down. */
  RATE_LIMIT,
  /** The answer was malformed, an error body, or failed validation. */
  INVALID_RESPONSE,
  /** The connection failed or the provider answered with a server error. */
  NETWORK_ERROR,
  /** The provider's circuit breaker is open: no call was sent. */
  CIRCUIT_OPEN,
  /** The provider does not know the symbol: an answer, not a failure. */
  NOT_FOUND,
  /** The provider refused our credentials. */
  UNAUTHORIZED;

  /** Whether this outcome counts against the provider's health (circuit breaker, fallback). */
  public boolean isProviderFailure() {
    return this != NOT_FOUND;
  }
}
