package io.marketgate.app.sim;

import io.marketgate.app.json.Json;
import java.nio.charset.StandardCharsets;

/** A simulated provider answer: status, content type and body bytes. */
record SimResponse(int status, Kind kind, byte[] body) {

  enum Kind {
    JSON,
    HTML,
    TEXT
  }

  static SimResponse json(int status, Object tree) {
    return new SimResponse(status, Kind.JSON, Json.encode(tree));
  }

  static SimResponse html(int status, String title) {
    String page =
        "<!DOCTYPE html><html><head><title>"
            + status
            + " "
            + title
            + "</title></head>"
            + "<body><h1>"
            + title
            + "</h1><p>The server is temporarily unable to service your request.</p></body></html>";
    return new SimResponse(status, Kind.HTML, page.getBytes(StandardCharsets.UTF_8));
  }

  static SimResponse text(int status, String text) {
    return new SimResponse(status, Kind.TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The first half of this body: well-formed JSON cut off mid-document. */
  SimResponse truncated() {
    byte[] half = java.util.Arrays.copyOf(body, Math.max(1, body.length / 2));
    return new SimResponse(200, Kind.JSON, half);
  }
}
