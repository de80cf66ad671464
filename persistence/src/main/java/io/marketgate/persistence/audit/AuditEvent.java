package io.marketgate.persistence.audit;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.UUID;

/**
 * One row of the audit trail. The id is made when the event is, so that writing it twice (a retried
 * batch) stores it once. Fields that do not apply are null; none ever holds a secret.
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
  public static final String THROTTLED = "throttled";
  public static final String BREAKER_RESET = "circuit_breaker_reset";
  public static final String OPERATIONS = "operations";

  /**
   * One call sent to a provider; {@code subject} is the fetch key, {@code endpoint} carries no
   * secret.
   */
  public static AuditEvent providerCall(
      String provider,
      String endpoint,
      String subject,
      String outcome,
      long latencyMs,
      String client,
      String profile) {
    return new AuditEvent(
        UUID.randomUUID(),
        Instant.now(),
        PROVIDER_CALL,
        provider,
        endpoint,
        subject,
        outcome,
        latencyMs,
        client,
        profile,
        null,
        null);
  }

  /**
   * A data request the caller's profile may not make (action = the dataset, as the README's audit
   * section shows it).
   */
  public static AuditEvent rightsDenied(
      String dataset, String subject, String client, String profile) {
    return new AuditEvent(
        UUID.randomUUID(),
        Instant.now(),
        dataset,
        null,
        null,
        subject,
        "denied",
        null,
        client,
        profile,
        false,
        "the profile may not read " + dataset);
  }

  /** An allowed data request (recorded only when configured: volume). */
  public static AuditEvent dataRequest(
      String dataset, String subject, String client, String profile) {
    return new AuditEvent(
        UUID.randomUUID(),
        Instant.now(),
        dataset,
        null,
        null,
        subject,
        "allowed",
        null,
        client,
        profile,
        true,
        null);
  }

  /** A request refused for the client's rate (recorded for a sample). */
  public static AuditEvent throttled(
      String subject, String client, String profile, long retryAfterSeconds) {
    return new AuditEvent(
        UUID.randomUUID(),
        Instant.now(),
        THROTTLED,
        null,
        null,
        subject,
        "throttled",
        null,
        client,
        profile,
        false,
        "over the profile's requests per minute; retry after " + retryAfterSeconds + " s");
  }

  /** An operations request: allowed (an action that changes something) or denied (not an admin). */
  public static AuditEvent operation(
      String action, String subject, String client, String profile, boolean allowed) {
    return new AuditEvent(
        UUID.randomUUID(),
        Instant.now(),
        action,
        null,
        null,
        subject,
        allowed ? "done" : "denied",
        null,
        client,
        profile,
        allowed,
        null);
  }

  public static AuditEvent dlqEscalated(
      String entryId, String subject, int attempts, String lastErrors) {
    return new AuditEvent(
        UUID.randomUUID(),
        Instant.now(),
        DLQ_ESCALATED,
        null,
        null,
        subject,
        "failed",
        null,
        "dlq",
        "system",
        null,
        "entry " + entryId + " escalated after " + attempts + " retries: " + lastErrors);
  }

  public static AuditEvent dlqReplayed(
      String entryId, String subject, String client, String profile) {
    return new AuditEvent(
        UUID.randomUUID(),
        Instant.now(),
        DLQ_REPLAYED,
        null,
        null,
        subject,
        "pending",
        null,
        client,
        profile,
        true,
        "entry " + entryId + " replayed");
  }
}
