package io.marketgate.persistence.dlq;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** One dead-letter entry as the read model and the DLQ API show it. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DlqEntry(
    String id,
    String dataset,
    String symbol,
    String params,
    String status,
    int attempts,
    String lastErrors,
    long createdAt,
    long updatedAt,
    Long nextRetryAt,
    long seqNr) {

  public static final String PENDING = "pending";
  public static final String FAILED = "failed";
  public static final String CLOSED = "closed";
}
