package io.marketgate.app.sim;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A fault the simulator plays for one provider: a mode, extra latency before every answer, and how
 * many calls it lasts ({@code -1}: until changed).
 */
public record Fault(
    @JsonProperty("mode") Mode mode,
    @JsonProperty("latency_ms") long latencyMs,
    @JsonProperty("count") int count,
    @JsonProperty("hang_ms") long hangMs) {

  /** From the control API's JSON, where every field may be left out. */
  @JsonCreator
  static Fault fromJson(
      @JsonProperty("mode") Mode mode,
      @JsonProperty("latency_ms") Long latencyMs,
      @JsonProperty("count") Integer count,
      @JsonProperty("hang_ms") Long hangMs) {
    return new Fault(
        mode,
        latencyMs == null ? 0 : latencyMs,
        count == null ? -1 : count,
        hangMs == null ? 0 : hangMs);
  }

  public static final Fault NONE = new Fault(Mode.NONE, 0, -1, 0);
  static final long DEFAULT_HANG_MS = 60_000;

  public enum Mode {
    /** Normal answers (plus any latency). */
    NONE("none"),
    /** HTTP 429 with the provider's rate-limit body. */
    RATE_LIMIT("429"),
    /**
     * The provider's answer once a key's daily allowance is used up (else as {@link #RATE_LIMIT}).
     */
    DAILY_LIMIT("daily_limit"),
    /** HTTP 503 with an HTML error page. */
    UNAVAILABLE("503"),
    /** No answer until {@code hang_ms} (default 60 s), then 504. */
    HANG("hang"),
    /** HTTP 200 with truncated JSON. */
    MALFORMED("malformed"),
    /** HTTP 200 with the provider's error body. */
    ERROR_BODY("error_body"),
    /** HTTP 200 with an HTML page instead of JSON. */
    HTML("html"),
    /** HTTP 200, well-formed, but the price is not positive. */
    INVALID_PRICE("invalid_price"),
    /** The provider's plan refusal (FMP 402 "Restricted Endpoint", Polygon NOT_AUTHORIZED, …). */
    NOT_ENTITLED("not_entitled"),
    /** The provider's answer to a rejected key. */
    BAD_KEY("bad_key");

    private final String wire;

    Mode(String wire) {
      this.wire = wire;
    }

    @JsonValue
    public String wire() {
      return wire;
    }

    @JsonCreator
    public static Mode parse(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      for (Mode m : values()) {
        if (m.wire.equals(v) || m.name().toLowerCase(Locale.ROOT).equals(v)) return m;
      }
      throw new IllegalArgumentException("unknown fault mode '" + value + "'");
    }
  }

  public Fault {
    if (mode == null) mode = Mode.NONE;
    if (latencyMs < 0) throw new IllegalArgumentException("latency_ms must not be negative");
    if (hangMs <= 0) hangMs = DEFAULT_HANG_MS;
  }

  public static Fault of(Mode mode) {
    return new Fault(mode, 0, -1, 0);
  }

  public static Fault latency(long millis) {
    return new Fault(Mode.NONE, millis, -1, 0);
  }

  /** The same fault for the next {@code n} calls only. */
  public Fault times(int n) {
    return new Fault(mode, latencyMs, n, hangMs);
  }
}
