package io.marketgate.app.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.json.Json;
import io.marketgate.protocol.ProviderErrorCode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What every adapter does the same way: reading a body as JSON and turning its errors into results.
 */
public final class AdapterSupport {
  private AdapterSupport() {}

  /**
   * Parses {@code body} and, unless {@code errorOf} recognises an error, hands the tree to {@code
   * parse}. A body that is not JSON is the error its status says, or INVALID_RESPONSE.
   */
  public static AdapterResult parseJson(
      int status,
      byte[] body,
      BiFunction<Integer, JsonNode, Optional<AdapterResult>> errorOf,
      Function<JsonNode, AdapterResult> parse) {
    JsonNode json;
    try {
      json = Json.parse(body);
    } catch (Json.MalformedJsonException e) {
      return StatusClassifier.classify(status)
          .<AdapterResult>map(
              code ->
                  AdapterResult.failure(code, "HTTP " + status + " with a body that is not JSON"))
          .orElse(
              AdapterResult.failure(
                  ProviderErrorCode.INVALID_RESPONSE, "malformed JSON: " + e.getMessage()));
    }
    return errorOf.apply(status, json).orElseGet(() -> parse.apply(json));
  }

  public static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  public static String truncate(String message) {
    return message == null || message.length() <= 200 ? message : message.substring(0, 200) + "…";
  }

  /** A validated record, or INVALID_RESPONSE with what is wrong. */
  public static AdapterResult validated(Object record, Optional<String> violation) {
    return violation
        .<AdapterResult>map(v -> AdapterResult.failure(ProviderErrorCode.INVALID_RESPONSE, v))
        .orElse(new AdapterResult.Success(record));
  }
}
