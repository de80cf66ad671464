package io.marketgate.persistence.audit;

/** Takes audit events without blocking; false when an event had to be dropped. */
@FunctionalInterface
public interface AuditTrail {
  boolean record(AuditEvent event);

  AuditTrail NONE = event -> true;
}
