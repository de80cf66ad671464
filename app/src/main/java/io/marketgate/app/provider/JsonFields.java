package io.marketgate.app.provider;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Lenient readers for provider JSON: numbers may come as numbers or strings (with currency signs,
 * thousands separators or percent signs); placeholders such as {@code "None"}, {@code "-"} or
 * {@code "."} read as {@code null}. A value that is present but unreadable is an error.
 */
public final class JsonFields {
  private JsonFields() {}

  public static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) return null;
    String s = v.asText().trim();
    return s.isEmpty() ? null : s;
  }

  public static BigDecimal decimal(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) return null;
    if (v.isNumber()) return v.decimalValue();
    if (v.isTextual()) return parseDecimal(v.asText());
    throw new IllegalArgumentException(field + " is not a number");
  }

  public static Long wholeNumber(JsonNode node, String field) {
    BigDecimal d = decimal(node, field);
    return d == null ? null : d.longValue();
  }

  /** Seconds since the epoch, as providers such as FMP give timestamps. */
  public static Instant epochSeconds(JsonNode node, String field) {
    Long s = wholeNumber(node, field);
    return s == null ? null : Instant.ofEpochSecond(s);
  }

  /** Milliseconds since the epoch. */
  public static Instant epochMillis(JsonNode node, String field) {
    Long ms = wholeNumber(node, field);
    return ms == null ? null : Instant.ofEpochMilli(ms);
  }

  /** Nanoseconds since the epoch, as Polygon's snapshot gives {@code updated}. */
  public static Instant epochNanos(JsonNode node, String field) {
    BigDecimal ns = decimal(node, field);
    if (ns == null) return null;
    long nanos = ns.longValue();
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  static BigDecimal parseDecimal(String raw) {
    String s = raw.trim();
    if (s.isEmpty() || s.equals(".") || s.equals("-") || s.equalsIgnoreCase("none")
        || s.equalsIgnoreCase("null") || s.equalsIgnoreCase("n/a")) {
      return null;
    }
    String cleaned = s.replace(",", "").replace("$", "").replace("%", "").replace("€", "").replace("£", "");
    try {
      return new BigDecimal(cleaned.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number: " + raw, e);
    }
  }
}
