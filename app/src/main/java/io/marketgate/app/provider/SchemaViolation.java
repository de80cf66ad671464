package io.marketgate.app.provider;

/**
 * A provider's answer parsed but breaks its documented format (a field of the wrong type, a
 * required part missing): the provider's failure, an INVALID_RESPONSE that counts against its
 * breaker. Any other exception out of an adapter is a defect of Marketgate's own.
 */
public final class SchemaViolation extends RuntimeException {
  public SchemaViolation(String message) {
    super(message);
  }

  public SchemaViolation(String message, Throwable cause) {
    super(message, cause);
  }
}
