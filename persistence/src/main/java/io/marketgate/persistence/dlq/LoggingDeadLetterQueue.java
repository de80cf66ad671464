package io.marketgate.persistence.dlq;

import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderError;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records failed fetches in the debug log only: nothing is retried and nothing survives a restart.
 * Stands in until the durable, event-sourced dead-letter queue exists (README, "Not yet").
 */
public final class LoggingDeadLetterQueue implements DeadLetterQueue {
  private static final Logger LOG = LoggerFactory.getLogger(LoggingDeadLetterQueue.class);

  @Override
  public void enqueue(FetchKey key, List<ProviderError> errors) {
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "No provider could answer {} ({}); not retried: the durable dead-letter queue is not in place yet",
          key,
          errors.stream().map(e -> e.provider() + "=" + e.code()).collect(Collectors.joining(", ")));
    }
  }
}
