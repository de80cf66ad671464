package io.marketgate.persistence.audit;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.UUID;

/**
 * One row of the audit trail. The id is made when the event is, so that writing it twice (a
 * retried batch) stores it once. Fields that do not apply are null; none ever holds a secret.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AuditEvent(
    UUID id,
    Instant at,
    String action,
    String provider,
    String endpoint,
    String subject,
    String outcome,
    Long latencyMs,
    String client,
    String rightsProfile,
    Boolean allowed,
    String detail) {

  public static final String PROVIDER_CALL = "provider_call";
  public static final String DLQ_ESCALATED = "dlq_escalated";
  public static final String DLQ_REPLAYED = "dlq_replayed";

  /** One call sent to a provider; {@code subject} is the fetch key, {@code endpoint} carries no secret. */
  public static AuditEvent providerCall(
      String provider, String endpoint, String subject, String outcome, long latencyMs, String client, String profile) {
    return new AuditEvent(UUID.randomUUID(), Instant.now(), PROVIDER_CALL, provider, endpoint, subject, outcome, latencyMs,
        client, profile, null, null);
  }

  public static AuditEvent dlqEscalated(String entryId, String subject, int attempts, String lastErrors) {
    return new AuditEvent(UUID.randomUUID(), Instant.now(), DLQ_ESCALATED, null, null, subject, "failed", null,
        "dlq", "system", null, "entry " + entryId + " escalated after " + attempts + " retries: " + lastErrors);
  }

  public static AuditEvent dlqReplayed(String entryId, String subject, String client, String profile) {
    return new AuditEvent(UUID.randomUUID(), Instant.now(), DLQ_REPLAYED, null, null, subject, "pending", null,
        client, profile, true, "entry " + entryId + " replayed");
  }
}
