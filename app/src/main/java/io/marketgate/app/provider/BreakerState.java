package io.marketgate.app.provider;

/** A circuit breaker's state with its Prometheus gauge value. */
public enum BreakerState {
  CLOSED(0, "closed"),
  OPEN(1, "open"),
  HALF_OPEN(2, "half_open");

  public final int gaugeValue;
  public final String label;

  BreakerState(int gaugeValue, String label) {
    this.gaugeValue = gaugeValue;
    this.label = label;
  }
}
