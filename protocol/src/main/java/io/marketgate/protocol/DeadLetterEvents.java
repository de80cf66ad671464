package io.marketgate.protocol;

import java.util.List;

/** What the dead-letter queue tells the cluster. */
public final class DeadLetterEvents {
  private DeadLetterEvents() {}

  /** Name of the cluster pub-sub topic (Pekko typed {@code Topic}) escalations are published on. */
  public static final String FAILED_TOPIC = "dlq_failed";

  /** A fetch that kept failing after every retry: its entry is now {@code failed}. */
  public record Escalated(
      String entryId, FetchKey key, int attempts, List<ProviderError> lastErrors, long atMillis)
      implements CborSerializable {}
}
