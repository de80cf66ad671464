package io.marketgate.protocol;

/** Who a fetch is for, for the audit trail: a client id and its rights profile. */
public record RequestOrigin(String client, String profile) implements CborSerializable {
  /** Retries of the dead-letter queue. */
  public static final RequestOrigin DEAD_LETTER_RETRY = new RequestOrigin("dlq", "system");

  /** Cluster-internal callers that do not say who they are. */
  public static final RequestOrigin INTERNAL = new RequestOrigin("internal", "system");
}
