package io.marketgate.app.http;

import io.marketgate.protocol.SymbolProtocol.Answer;
import java.time.Instant;
import java.util.List;

/**
 * Builds the response envelope (README, "HTTP API") around the cached, pre-encoded {@code data}: no
 * JSON tree is built and the data bytes are copied once.
 */
public final class AnswerEncoder {
  private AnswerEncoder() {}

  /**
   * @param direct fetched by the answering node itself while the key's entity was unreachable
   */
  public static byte[] encode(Answer a, long ageMillis, long totalDurationMillis, boolean direct) {
    JsonBytes json = new JsonBytes(a.data().length + 512);
    write(json, a, ageMillis, totalDurationMillis, -1, false, direct);
    return json.toBytes();
  }

  /**
   * Appends one envelope; {@code status} (when not negative) is written after the symbol, as batch
   * results carry it.
   */
  static void write(
      JsonBytes json,
      Answer a,
      long ageMillis,
      long totalDurationMillis,
      int status,
      boolean deduplicated,
      boolean direct) {
    json.ascii("{\"symbol\":").string(a.key().symbol());
    if (status >= 0) json.ascii(",\"status\":").number(status);
    json.ascii(",\"dataset\":")
        .string(a.key().dataset().wireName())
        .ascii(",\"data\":")
        .raw(a.data())
        .ascii(",\"source\":")
        .string(a.source())
        .ascii(",\"provider_used\":")
        .string(a.providerUsed())
        .ascii(",\"cached\":")
        .bool(a.cached())
        .ascii(",\"stale\":")
        .bool(a.stale())
        .ascii(",\"age_ms\":")
        .number(ageMillis)
        .ascii(",\"fetched_at\":")
        .string(Instant.ofEpochMilli(a.fetchedAtMillis()).toString())
        .ascii(",\"confidence\":")
        .number(a.confidence())
        .ascii(",\"metadata\":{\"providers_attempted\":");
    strings(json, a.providersAttempted());
    json.ascii(",\"coalesced\":")
        .bool(a.coalesced())
        .ascii(",\"circuit_breaker_triggered\":")
        .bool(a.circuitBreakerTriggered())
        .ascii(",\"deduplicated\":")
        .bool(deduplicated)
        .ascii(",\"direct\":")
        .bool(direct)
        .ascii(",\"total_duration_ms\":")
        .number(totalDurationMillis);
    if (!a.errors().isEmpty()) {
      json.ascii(",\"errors\":");
      ErrorsJson.write(json, a.errors());
    }
    json.ascii("}}");
  }

  private static void strings(JsonBytes json, List<String> values) {
    json.ascii("[");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) json.ascii(",");
      json.string(values.get(i));
    }
    json.ascii("]");
  }
}
