package io.marketgate.persistence.dlq;

/** Where the dead-letter queue reports escalations and lost deliveries. */
public interface DlqMetrics {
  void escalated();

  /** An entry that could not reach its entity within the delivery retries. */
  void undelivered();

  DlqMetrics NONE =
      new DlqMetrics() {
        @Override
        public void escalated() {}

        @Override
        public void undelivered() {}
      };
}
