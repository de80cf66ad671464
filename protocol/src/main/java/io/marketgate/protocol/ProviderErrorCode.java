package io.marketgate.protocol;

/** Why one provider attempt did not produce data (the {@code errors[].code} of problem answers). */
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
  /** The provider refused our credentials (a bad, unknown or revoked key). */
  UNAUTHORIZED,
  /**
   * The key is good but the plan does not include this data (Polygon {@code NOT_AUTHORIZED}, FMP
   * 402/403 restricted or legacy endpoints): a code added to the contract's list, told apart from a
   * bad key because it needs a plan change, not a new key.
   */
  NOT_ENTITLED,
  /**
   * Marketgate's own adapter failed on the answer (a defect of ours, logged): not the provider's
   * failure, so its breaker does not count it; the next provider is tried. Added after the original
   * list of codes.
   */
  INTERNAL;

  /**
   * Whether this outcome counts against the provider's health (its circuit breaker). A symbol it
   * does not know and data its plan does not cover are answers about that request, not outages.
   */
  public boolean isProviderFailure() {
    return this != NOT_FOUND && this != NOT_ENTITLED && this != INTERNAL;
  }

  /**
   * Whether trying again later may succeed: not for unknown symbols, bad keys, plan refusals or our
   * own defects.
   */
  public boolean isRetryable() {
    return this != NOT_FOUND && this != NOT_ENTITLED && this != UNAUTHORIZED && this != INTERNAL;
  }
}
