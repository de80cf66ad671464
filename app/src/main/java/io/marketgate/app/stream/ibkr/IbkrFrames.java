package io.marketgate.app.stream.ibkr;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.json.Json;
import io.marketgate.app.stream.StreamFrameException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the frames of the IBKR Client Portal WebSocket and writes its commands (docs:
 * interactivebrokers.github.io/cpwebapi/websockets). A frame is one JSON object; market data frames
 * carry only the fields that changed, as strings keyed by field id.
 */
public final class IbkrFrames {
  public static final String SOURCE = "ibkr";

  private IbkrFrames() {}

  /**
   * @throws StreamFrameException when the frame is not the gateway's format
   */
  public static IbkrMessage parse(String frame) {
    JsonNode root;
    try {
      root = Json.mapper().readTree(frame);
    } catch (IOException e) {
      throw new StreamFrameException("not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject())
      throw new StreamFrameException("an IBKR frame is a JSON object");
    String topic = root.path("topic").asText("");
    if (topic.isEmpty() && "waiting for session".equals(root.path("message").asText(null)))
      return new IbkrMessage.WaitingForSession();
    if (topic.equals("sts")) {
      JsonNode args = root.path("args");
      return new IbkrMessage.SessionStatus(
          args.path("authenticated").asBoolean(false),
          args.path("competing").asBoolean(false),
          args.path("message").asText(""));
    }
    if (topic.equals("system"))
      return new IbkrMessage.SystemMessage(
          root.hasNonNull("success") ? root.get("success").asText() : null,
          root.hasNonNull("hb") ? root.get("hb").asLong() : null);
    if (topic.startsWith("smd+")) return marketData(root, topic);
    if (topic.startsWith("smh+") && root.hasNonNull("error"))
      return new IbkrMessage.HistoryRefused(conid(root, topic), root.get("error").asText());
    if (topic.startsWith("smh+") && root.path("data").isArray()) return history(root, topic);
    return new IbkrMessage.Other(topic);
  }

  private static IbkrMessage marketData(JsonNode root, String topic) {
    long conid = conid(root, topic);
    Map<String, String> fields = new LinkedHashMap<>();
    root.fields()
        .forEachRemaining(
            f -> {
              // Field ids are numbers (some with a suffix such as 87_raw); the rest is metadata.
              if (!f.getKey().isEmpty()
                  && Character.isDigit(f.getKey().charAt(0))
                  && f.getValue().isValueNode()) fields.put(f.getKey(), f.getValue().asText());
            });
    Instant updated =
        root.hasNonNull("_updated") ? Instant.ofEpochMilli(root.get("_updated").asLong()) : null;
    return new IbkrMessage.MarketData(conid, updated, fields);
  }

  private static IbkrMessage history(JsonNode root, String topic) {
    List<IbkrMessage.Bar> bars = new ArrayList<>();
    for (JsonNode b : root.get("data")) {
      if (!b.path("t").canConvertToLong() || !b.path("c").isNumber())
        throw new StreamFrameException("a history bar without a time or close: " + b);
      bars.add(
          new IbkrMessage.Bar(
              Instant.ofEpochMilli(b.get("t").asLong()),
              b.path("o").decimalValue(),
              b.path("h").decimalValue(),
              b.path("l").decimalValue(),
              b.path("c").decimalValue(),
              b.path("v").asLong()));
    }
    return new IbkrMessage.HistoryBars(
        conid(root, topic),
        root.path("serverId").asText(""),
        root.path("barLength").asInt(60),
        bars);
  }

  private static long conid(JsonNode root, String topic) {
    if (root.hasNonNull("conid") && root.get("conid").canConvertToLong())
      return root.get("conid").asLong();
    try {
      return Long.parseLong(topic.substring(4));
    } catch (NumberFormatException e) {
      throw new StreamFrameException("a market data frame without a conid: " + topic);
    }
  }

  /** {@code smd+<conid>+{"fields":[...]}}: start streaming those fields of a contract. */
  public static String subscribeMarketData(long conid, List<String> fields) {
    var body = Json.mapper().createObjectNode();
    var list = body.putArray("fields");
    fields.forEach(list::add);
    return "smd+" + conid + "+" + body;
  }

  /** {@code umd+<conid>+{}}: stop streaming a contract. */
  public static String unsubscribeMarketData(long conid) {
    return "umd+" + conid + "+{}";
  }

  /** {@code smh+<conid>+{…}}: stream one-minute bars of a contract (at most 5 such streams). */
  public static String subscribeHistory(long conid) {
    var body = Json.mapper().createObjectNode();
    body.put("exchange", "SMART")
        .put("period", "1d")
        .put("bar", "1min")
        .put("outsideRth", false)
        .put("source", "trades")
        .put("format", "%o/%c/%h/%l/%v");
    return "smh+" + conid + "+" + body;
  }

  /** {@code umh+<serverId>}: stop a history stream, named by the id its frames carry. */
  public static String unsubscribeHistory(String serverId) {
    return "umh+" + serverId;
  }

  /** {@code {"session":"<from /tickle>"}}: the first message, authenticating the socket. */
  public static String session(String session) {
    var body = Json.mapper().createObjectNode();
    body.put("session", session);
    return body.toString();
  }

  /** {@code tic}: the keep-alive the gateway expects about every minute. */
  public static String tic() {
    return "tic";
  }
}
