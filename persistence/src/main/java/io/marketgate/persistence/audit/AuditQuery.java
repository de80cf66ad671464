package io.marketgate.persistence.audit;

import java.time.Instant;

/** Filters and page of an audit search; null filters match everything. */
public record AuditQuery(
    Instant from,
    Instant to,
    String action,
    String provider,
    String client,
    Boolean allowed,
    int page,
    int size) {

  public static final int MAX_SIZE = 500;

  public AuditQuery {
    if (page < 0) throw new IllegalArgumentException("page must not be negative");
    if (size < 1 || size > MAX_SIZE)
      throw new IllegalArgumentException("size must be 1.." + MAX_SIZE);
  }
}
