package io.marketgate.app.stream.polygon;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.json.Json;
import io.marketgate.app.stream.StreamFrameException;
import io.marketgate.protocol.stream.StreamBar;
import io.marketgate.protocol.stream.StreamQuote;
import io.marketgate.protocol.stream.StreamTrade;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the frames of Polygon's stocks WebSocket (docs: polygon.io/docs/stocks/ws_stocks_q and
 * siblings) and writes its control messages. A frame is a JSON array of events: {@code Q} quotes
 * ({@code bx bp bs ax ap as c i t q z}), {@code T} trades ({@code x i z p s c t q}), {@code A} /
 * {@code AM} second and minute aggregates ({@code v av op vw o c h l a z s e}) and {@code status}
 * messages. Times are Unix milliseconds.
 */
public final class PolygonFrames {
  public static final String SOURCE = "polygon";

  private PolygonFrames() {}

  /**
   * @param delayed whether this connection's feed is delayed (the {@code delayed.polygon.io} host)
   * @throws StreamFrameException when the frame is not Polygon's format
   */
  public static List<PolygonMessage> parse(String frame, boolean delayed) {
    JsonNode root;
    try {
      root = Json.mapper().readTree(frame);
    } catch (IOException e) {
      throw new StreamFrameException("not JSON: " + e.getMessage());
    }
    if (root == null || !root.isArray())
      throw new StreamFrameException("a Polygon frame is a JSON array");
    List<PolygonMessage> messages = new ArrayList<>(root.size());
    for (JsonNode element : root) messages.add(message(element, delayed));
    return messages;
  }

  private static PolygonMessage message(JsonNode e, boolean delayed) {
    String ev = required(e, "ev").asText();
    return switch (ev) {
      case "status" ->
          new PolygonMessage.Status(required(e, "status").asText(), text(e, "message"));
      case "Q" ->
          new PolygonMessage.Event(
              new StreamQuote(
                  SOURCE,
                  symbol(e),
                  millis(e, "t"),
                  e.path("q").asLong(0),
                  decimal(e, "bp"),
                  size(e, "bs"),
                  decimal(e, "ap"),
                  size(e, "as"),
                  null,
                  delayed));
      case "T" ->
          new PolygonMessage.Event(
              new StreamTrade(
                  SOURCE,
                  symbol(e),
                  millis(e, "t"),
                  e.path("q").asLong(0),
                  requiredDecimal(e, "p"),
                  required(e, "s").asLong(),
                  delayed));
      case "A", "AM" ->
          new PolygonMessage.Event(
              new StreamBar(
                  SOURCE,
                  symbol(e),
                  ev.equals("A") ? "1s" : "1m",
                  millis(e, "s"),
                  requiredDecimal(e, "o"),
                  requiredDecimal(e, "h"),
                  requiredDecimal(e, "l"),
                  requiredDecimal(e, "c"),
                  required(e, "v").asLong(),
                  delayed));
      default -> new PolygonMessage.Other(ev);
    };
  }

  /** {@code {"action":"auth","params":KEY}}: the first message on a new connection. */
  public static String auth(String key) {
    return control("auth", key);
  }

  /** {@code {"action":"subscribe","params":"Q.AAPL,T.AAPL,AM.AAPL"}}. */
  public static String subscribe(List<String> channels) {
    return control("subscribe", String.join(",", channels));
  }

  public static String unsubscribe(List<String> channels) {
    return control("unsubscribe", String.join(",", channels));
  }

  private static String control(String action, String params) {
    var node = Json.mapper().createObjectNode();
    node.put("action", action);
    node.put("params", params);
    return node.toString();
  }

  private static JsonNode required(JsonNode e, String field) {
    JsonNode v = e.get(field);
    if (v == null || v.isNull())
      throw new StreamFrameException("a Polygon event without \"" + field + "\": " + brief(e));
    return v;
  }

  private static String symbol(JsonNode e) {
    return required(e, "sym").asText();
  }

  private static Instant millis(JsonNode e, String field) {
    JsonNode v = required(e, field);
    if (!v.canConvertToLong())
      throw new StreamFrameException("\"" + field + "\" is not a time: " + brief(e));
    return Instant.ofEpochMilli(v.asLong());
  }

  private static BigDecimal requiredDecimal(JsonNode e, String field) {
    JsonNode v = required(e, field);
    if (!v.isNumber())
      throw new StreamFrameException("\"" + field + "\" is not a number: " + brief(e));
    return v.decimalValue();
  }

  private static BigDecimal decimal(JsonNode e, String field) {
    JsonNode v = e.get(field);
    return v == null || !v.isNumber() ? null : v.decimalValue();
  }

  private static Long size(JsonNode e, String field) {
    JsonNode v = e.get(field);
    return v == null || !v.canConvertToLong() ? null : v.asLong();
  }

  private static String text(JsonNode e, String field) {
    JsonNode v = e.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String brief(JsonNode e) {
    String s = e.toString();
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }
}
