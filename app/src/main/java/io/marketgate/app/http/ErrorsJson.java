package io.marketgate.app.http;

import io.marketgate.protocol.ProviderError;
import java.util.List;

/** {@code [{"provider":…,"code":…,"message":…}]}, shared by problems and answer metadata. */
final class ErrorsJson {
  private ErrorsJson() {}

  static void write(JsonBytes json, List<ProviderError> errors) {
    json.ascii("[");
    for (int i = 0; i < errors.size(); i++) {
      ProviderError e = errors.get(i);
      if (i > 0) json.ascii(",");
      json.ascii("{\"provider\":")
          .string(e.provider())
          .ascii(",\"code\":")
          .string(e.code().name())
          .ascii(",\"message\":")
          .string(e.message())
          .ascii("}");
    }
    json.ascii("]");
  }
}
