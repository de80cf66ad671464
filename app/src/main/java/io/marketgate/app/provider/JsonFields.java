package io.marketgate.app.provider;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Lenient readers for provider JSON: numbers may come as numbers or strings (with currency signs,
 * thousands separators or percent signs); placeholders such as {@code "None"}, {@code "-"} or
 * {@code "."} read as {@code null}. A value that is present but unreadable is a {@link
 * SchemaViolation}.
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
    throw new SchemaViolation(field + " is not a number");
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
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  /** A date written {@code yyyy-MM-dd} (or starting so, as in {@code 2024-11-01 06:01:36}). */
  public static java.time.LocalDate date(JsonNode node, String field) {
    String s = text(node, field);
    if (s == null) return null;
    if (s.length() < 10) throw new SchemaViolation(field + " is not a date: " + s);
    return java.time.LocalDate.parse(s.substring(0, 10));
  }

  /** An ISO-8601 instant ({@code 2024-06-24T18:33:53Z}); offsets are converted to UTC. */
  public static Instant instant(JsonNode node, String field) {
    String s = text(node, field);
    if (s == null) return null;
    return java.time.OffsetDateTime.parse(s).toInstant();
  }

  /** A local date-time {@code yyyy-MM-dd HH:mm:ss} in the given zone, as an instant. */
  public static Instant localDateTime(JsonNode node, String field, java.time.ZoneId zone) {
    String s = text(node, field);
    if (s == null) return null;
    return java.time.LocalDateTime.parse(s.replace(' ', 'T')).atZone(zone).toInstant();
  }

  /** The first of {@code fields} that is present (legacy and current names of one value). */
  public static BigDecimal decimal(JsonNode node, String... fields) {
    for (String f : fields) {
      if (node.hasNonNull(f)) return decimal(node, f);
    }
    return null;
  }

  /**
   * A number written as text, leniently as {@link #decimal} reads it; {@code null} for a
   * placeholder.
   */
  public static BigDecimal parseDecimal(String raw) {
    String s = raw.trim();
    if (s.isEmpty()
        || s.equals(".")
        || s.equals("-")
        || s.equalsIgnoreCase("none")
        || s.equalsIgnoreCase("null")
        || s.equalsIgnoreCase("n/a")) {
      return null;
    }
    String cleaned =
        s.replace(",", "").replace("$", "").replace("%", "").replace("€", "").replace("£", "");
    try {
      return new BigDecimal(cleaned.trim());
    } catch (NumberFormatException e) {
      throw new SchemaViolation("not a number: " + raw, e);
    }
  }
}
