package io.marketgate.app.sim;

/** A provider's own shapes for the answers the simulator's faults produce. */
interface ProviderFormat {

  /** The provider's rate-limit answer (status and body as the real provider sends them). */
  SimResponse rateLimited();

  /**
   * The provider's answer once a key's daily allowance is used up; most say it as any rate limit.
   */
  default SimResponse dailyLimited() {
    return rateLimited();
  }

  /** An error body the provider sends with status 200. */
  SimResponse errorWithStatus200();

  /** The provider's answer to a missing or rejected key. */
  SimResponse unauthorized();

  /** The provider's answer when the plan does not include the data. */
  SimResponse notEntitled();
}
