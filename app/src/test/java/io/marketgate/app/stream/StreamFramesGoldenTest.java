package io.marketgate.app.stream;

import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.app.stream.ibkr.IbkrFrames;
import io.marketgate.app.stream.ibkr.IbkrMessage;
import io.marketgate.app.stream.ibkr.IbkrQuoteMerger;
import io.marketgate.app.stream.polygon.PolygonFrames;
import io.marketgate.app.stream.polygon.PolygonMessage;
import io.marketgate.protocol.stream.StreamBar;
import io.marketgate.protocol.stream.StreamQuote;
import io.marketgate.protocol.stream.StreamTrade;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Both providers' stream frames in their documented formats (recorded under golden/polygon-ws and
 * golden/ibkr-ws), read into normalised events, and the commands written to them.
 */
class StreamFramesGoldenTest {
  private static String frame(String path) {
    try (InputStream in = StreamFramesGoldenTest.class.getResourceAsStream("/golden/" + path)) {
      if (in == null) throw new IllegalArgumentException("no golden file " + path);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void polygonStatusMessages() {
    assertEquals(
        List.of(new PolygonMessage.Status("connected", "Connected Successfully")),
        PolygonFrames.parse(frame("polygon-ws/connected.json"), false));
    assertEquals(
        "auth_success",
        ((PolygonMessage.Status)
                PolygonFrames.parse(frame("polygon-ws/auth-success.json"), false).get(0))
            .status());
    var failed =
        (PolygonMessage.Status)
            PolygonFrames.parse(frame("polygon-ws/auth-failed.json"), false).get(0);
    assertTrue(failed.authFailed());
    var limit =
        (PolygonMessage.Status)
            PolygonFrames.parse(frame("polygon-ws/max-connections.json"), false).get(0);
    assertTrue(limit.maxConnections());
    assertEquals(3, PolygonFrames.parse(frame("polygon-ws/subscribed.json"), false).size());
  }

  @Test
  void polygonQuotesTradesAndMinuteBarsAreNormalised() {
    List<PolygonMessage> messages =
        PolygonFrames.parse(frame("polygon-ws/events-mixed.json"), false);
    assertEquals(4, messages.size());
    assertEquals(
        new StreamQuote(
            "polygon",
            "AAPL",
            Instant.ofEpochMilli(1701619200123L),
            50385480,
            new BigDecimal("189.91"),
            3L,
            new BigDecimal("189.93"),
            2L,
            null,
            false),
        ((PolygonMessage.Event) messages.get(0)).event());
    assertEquals(
        new StreamTrade(
            "polygon",
            "AAPL",
            Instant.ofEpochMilli(1701619200145L),
            50385481,
            new BigDecimal("189.92"),
            100,
            false),
        ((PolygonMessage.Event) messages.get(1)).event());
    assertEquals(
        new StreamBar(
            "polygon",
            "AAPL",
            "1m",
            Instant.ofEpochMilli(1701619140000L),
            new BigDecimal("189.88"),
            new BigDecimal("189.95"),
            new BigDecimal("189.85"),
            new BigDecimal("189.92"),
            4110,
            false),
        ((PolygonMessage.Event) messages.get(2)).event());
    assertEquals(new PolygonMessage.Other("LULD"), messages.get(3), "an event type we do not use");
  }

  @Test
  void polygonSecondBarsOfADelayedFeed() {
    StreamBar bar =
        (StreamBar)
            ((PolygonMessage.Event)
                    PolygonFrames.parse(frame("polygon-ws/second-aggregate.json"), true).get(0))
                .event();
    assertEquals("1s", bar.resolution());
    assertEquals("MSFT", bar.symbol());
    assertTrue(bar.delayed());
  }

  @Test
  void polygonFramesOutsideTheFormatAreRefused() {
    StreamFrameException noTime =
        assertThrows(
            StreamFrameException.class,
            () -> PolygonFrames.parse(frame("polygon-ws/quote-without-time.json"), false));
    assertTrue(
        noTime.getMessage().startsWith("a Polygon event without \"t\""), noTime.getMessage());
    assertThrows(StreamFrameException.class, () -> PolygonFrames.parse("{\"ev\":\"Q\"}", false));
    assertThrows(StreamFrameException.class, () -> PolygonFrames.parse("\u0000garbage", false));
  }

  @Test
  void polygonCommands() {
    assertEquals("{\"action\":\"auth\",\"params\":\"k-123\"}", PolygonFrames.auth("k-123"));
    assertEquals(
        "{\"action\":\"subscribe\",\"params\":\"Q.AAPL,T.AAPL,AM.AAPL\"}",
        PolygonFrames.subscribe(List.of("Q.AAPL", "T.AAPL", "AM.AAPL")));
  }

  @Test
  void ibkrSessionAndSystemTopics() {
    assertEquals(
        new IbkrMessage.WaitingForSession(),
        IbkrFrames.parse(frame("ibkr-ws/waiting-for-session.json")));
    assertEquals(
        new IbkrMessage.SystemMessage("demo1234", null),
        IbkrFrames.parse(frame("ibkr-ws/system-greeting.json")));
    assertEquals(
        new IbkrMessage.SystemMessage(null, 1701619205000L),
        IbkrFrames.parse(frame("ibkr-ws/system-heartbeat.json")));
    assertEquals(
        new IbkrMessage.SessionStatus(true, false, ""),
        IbkrFrames.parse(frame("ibkr-ws/sts-authenticated.json")));
    assertEquals(
        new IbkrMessage.HistoryRefused(
            265598, "Exceeded max number of concurrent historical data queries: 5"),
        IbkrFrames.parse(frame("ibkr-ws/smh-refused.json")));
  }

  @Test
  void ibkrHistoryFramesCarryOneMinuteBarsAndTheirStreamId() {
    IbkrMessage.HistoryBars bars =
        (IbkrMessage.HistoryBars) IbkrFrames.parse(frame("ibkr-ws/smh-aapl-bars.json"));
    assertEquals(265598, bars.conid());
    assertEquals("20477", bars.serverId());
    assertEquals(60, bars.barSeconds());
    assertEquals(
        new IbkrMessage.Bar(
            java.time.Instant.parse("2023-12-03T16:00:00Z"),
            new java.math.BigDecimal("190.02"),
            new java.math.BigDecimal("190.05"),
            new java.math.BigDecimal("189.92"),
            new java.math.BigDecimal("189.97"),
            980),
        bars.bars().get(1));
    assertEquals(
        "smh+265598+{\"exchange\":\"SMART\",\"period\":\"1d\",\"bar\":\"1min\","
            + "\"outsideRth\":false,\"source\":\"trades\",\"format\":\"%o/%c/%h/%l/%v\"}",
        IbkrFrames.subscribeHistory(265598));
    assertEquals("umh+20477", IbkrFrames.unsubscribeHistory("20477"));
  }

  @Test
  void ibkrDeltasMergeIntoFullQuotesWithoutLosingUnchangedFields() {
    IbkrQuoteMerger merger = new IbkrQuoteMerger(Map.of(265598L, "AAPL"));
    StreamQuote full = merge(merger, "ibkr-ws/smd-aapl-full.json");
    // No sequence number from IBKR: a digest of the merged fields, the same for the same fields.
    assertNotEquals(0, full.seq());
    assertEquals(
        full.seq(),
        merge(new IbkrQuoteMerger(Map.of(265598L, "AAPL")), "ibkr-ws/smd-aapl-full.json").seq());
    assertEquals(
        new StreamQuote(
            "ibkr",
            "AAPL",
            Instant.ofEpochMilli(1701619200300L),
            full.seq(),
            new BigDecimal("189.91"),
            300L,
            new BigDecimal("189.93"),
            200L,
            new BigDecimal("189.92"),
            false),
        full);
    // Only the bid changed: ask and last are the earlier ones, not null.
    StreamQuote bid = merge(merger, "ibkr-ws/smd-aapl-bid-only.json");
    assertNotEquals(full.seq(), bid.seq(), "another field set, another sequence");
    assertEquals(new BigDecimal("189.92"), bid.bid());
    assertEquals(1100L, bid.bidSize());
    assertEquals(new BigDecimal("189.93"), bid.ask());
    assertEquals(200L, bid.askSize());
    assertEquals(new BigDecimal("189.92"), bid.last());
    assertEquals(Instant.ofEpochMilli(1701619200410L), bid.eventTime());
    // Nothing of the quote changed: no event.
    assertTrue(
        merger
            .merge(
                (IbkrMessage.MarketData) IbkrFrames.parse(frame("ibkr-ws/smd-aapl-unchanged.json")))
            .isEmpty());
    // A halted last price is still a price; the rest is kept.
    StreamQuote halted = merge(merger, "ibkr-ws/smd-aapl-halted.json");
    assertEquals(new BigDecimal("189.95"), halted.last());
    assertEquals(new BigDecimal("189.92"), halted.bid());
    assertFalse(halted.delayed());
  }

  @Test
  void ibkrFramesOfOtherContractsOrOutsideTheFormat() {
    IbkrQuoteMerger merger = new IbkrQuoteMerger(Map.of(1L, "OTHER"));
    assertTrue(
        merger
            .merge((IbkrMessage.MarketData) IbkrFrames.parse(frame("ibkr-ws/smd-aapl-full.json")))
            .isEmpty(),
        "a conid this connection did not ask for");
    assertThrows(StreamFrameException.class, () -> IbkrFrames.parse("[1,2]"));
    assertThrows(StreamFrameException.class, () -> IbkrFrames.parse("not json"));
    assertEquals(
        "smd+265598+{\"fields\":[\"31\",\"84\",\"86\",\"88\",\"85\",\"6509\"]}",
        IbkrFrames.subscribeMarketData(265598, IbkrQuoteMerger.FIELDS));
    assertEquals("{\"session\":\"abc\"}", IbkrFrames.session("abc"));
  }

  private static StreamQuote merge(IbkrQuoteMerger merger, String path) {
    return merger
        .merge((IbkrMessage.MarketData) IbkrFrames.parse(frame(path)))
        .orElseThrow(() -> new AssertionError(path + " gave no quote"));
  }
}
