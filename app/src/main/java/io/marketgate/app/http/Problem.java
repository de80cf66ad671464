package io.marketgate.app.http;

import io.marketgate.protocol.ProviderError;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * RFC 7807 {@code application/problem+json} answers. {@code type} is a relative URI naming the kind
 * of problem ({@code /problems/invalid-symbol}); {@code errors} lists each provider's failure.
 */
public final class Problem {
  public static final ContentType PROBLEM_JSON =
      ContentTypes.create(
          MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8));

  private Problem() {}

  public static HttpResponse response(int status, String type, String title, String detail) {
    return response(status, type, title, detail, List.of());
  }

  public static HttpResponse response(
      int status, String type, String title, String detail, List<ProviderError> errors) {
    return HttpResponse.create()
        .withStatus(StatusCodes.get(status))
        .withEntity(HttpEntities.create(PROBLEM_JSON, body(status, type, title, detail, errors)));
  }

  static byte[] body(
      int status, String type, String title, String detail, List<ProviderError> errors) {
    JsonBytes json = new JsonBytes(256);
    json.ascii("{\"type\":")
        .string("/problems/" + type)
        .ascii(",\"title\":")
        .string(title)
        .ascii(",\"status\":")
        .number(status)
        .ascii(",\"detail\":")
        .string(detail);
    if (!errors.isEmpty()) {
      json.ascii(",\"errors\":");
      ErrorsJson.write(json, errors);
    }
    return json.ascii("}").toBytes();
  }
}
