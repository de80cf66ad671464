package io.marketgate.app.stream.polygon;

import io.marketgate.protocol.stream.StreamEvent;

/** One element of a Polygon WebSocket frame (frames are JSON arrays of these). */
public sealed interface PolygonMessage {
  /** {@code ev: status}: connected, auth_success, auth_failed, success, max_connections, … */
  record Status(String status, String message) implements PolygonMessage {
    public boolean authFailed() {
      return status.equals("auth_failed");
    }

    public boolean maxConnections() {
      return status.equals("max_connections");
    }
  }

  /** A quote, trade or aggregate, normalised. */
  record Event(StreamEvent event) implements PolygonMessage {}

  /** An event type this gateway does not use (e.g. {@code LULD}, {@code FMV}): skipped. */
  record Other(String ev) implements PolygonMessage {}
}
