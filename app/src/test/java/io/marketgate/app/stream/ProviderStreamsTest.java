package io.marketgate.app.stream;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.json.Json;
import io.marketgate.app.sim.Fault;
import io.marketgate.app.sim.ProviderSimulator;
import io.marketgate.app.stream.upstream.StreamSubscriptions;
import io.marketgate.app.stream.upstream.SubscriptionRefused;
import io.marketgate.app.testkit.Eventually;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.TestNode;
import io.marketgate.protocol.stream.StreamBar;
import io.marketgate.protocol.stream.StreamChannel;
import io.marketgate.protocol.stream.StreamEvent;
import io.marketgate.protocol.stream.StreamGap;
import io.marketgate.protocol.stream.StreamQuote;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Both providers' streams on one node with its built-in simulator: IBKR's session handshake, delta
 * frames merged into full quotes, its 5 history streams, a Polygon key the provider refuses (one
 * attempt, shown in the admin API, later subscriptions refused), and the admin tap over HTTP.
 */
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProviderStreamsTest {
  private static final Duration ACK = Duration.ofSeconds(15);
  private TestNode node;

  @BeforeAll
  void start() {
    node =
        TestNode.start(
            String.join(
                "\n",
                "marketgate.simulator.mode = on",
                "marketgate.simulator.providers = \"fmp,polygon,fred,newsapi,ibkr\"",
                "marketgate.streams.polygon.api-key = \"invalid-stream-key-0001\"",
                "marketgate.streams.reconnect.min-backoff = 100ms",
                "marketgate.streams.reconnect.max-backoff = 500ms",
                "marketgate.streams.ibkr.tic-interval = 300ms"));
  }

  @AfterAll
  void stop() {
    if (node != null) node.close();
  }

  private ProviderSimulator.IbkrStreams ibkr() {
    return node.simulator().ibkrStreams();
  }

  private CompletionStage<StreamSubscriptions.Subscription> subscribe(
      String provider, StreamChannel channel, String symbol, TestProbe<StreamEvent> consumer) {
    return node.node().streams().subscribe(provider, channel, symbol, consumer.ref(), ACK);
  }

  private JsonNode connection(String provider) {
    for (JsonNode c : node.adminGet("/api/v1/streams").json().get("connections"))
      if (c.get("provider").asText().equals(provider)) return c;
    throw new AssertionError("no " + provider + " connection listed");
  }

  @Test
  void ibkrDeltaFramesBecomeFullQuotesWithoutANullThatWasOnlyUnchanged() {
    TestProbe<StreamEvent> consumer = node.testKit().createTestProbe();
    var s = subscribe("ibkr", StreamChannel.QUOTES, "AAPL", consumer).toCompletableFuture().join();
    for (int i = 0; i < 12; i++) {
      StreamQuote q = (StreamQuote) consumer.receiveMessage(Duration.ofSeconds(5));
      assertEquals("AAPL", q.symbol());
      assertEquals("ibkr", q.source());
      assertNotNull(q.bid(), q.toString());
      assertNotNull(q.ask(), q.toString());
      assertNotNull(q.last(), q.toString());
      assertNotNull(q.bidSize(), q.toString());
      assertFalse(q.delayed(), "RpB is real-time: " + q);
    }
    assertEquals(1, ibkr().subscriptions("smd", "AAPL"), "one market data line for AAPL");
    Eventually.await(Duration.ofSeconds(5), "tic sent to the gateway", () -> ticsSeen() > 0);
    s.cancel();
  }

  private long ticsSeen() {
    return Http.get(node.simulator().baseUrl() + "/_sim/streams/ibkr").json().get("tics").asLong();
  }

  @Test
  void ibkrAllowsFiveBarStreamsAndTheSixthIsRefusedWithAReason() {
    List<String> symbols = List.of("MSFT", "NVDA", "AMZN", "GOOGL", "META");
    long refusedByTheGateway = ibkr().historyRefused();
    TestProbe<StreamEvent> consumer = node.testKit().createTestProbe();
    List<StreamSubscriptions.Subscription> five =
        symbols.stream()
            .map(
                sym ->
                    subscribe("ibkr", StreamChannel.BARS, sym, consumer)
                        .toCompletableFuture()
                        .join())
            .toList();
    StreamEvent bar = consumer.receiveMessage(Duration.ofSeconds(5));
    assertInstanceOf(StreamBar.class, bar);
    assertEquals("1m", ((StreamBar) bar).resolution());
    CompletionException sixth =
        assertThrows(
            CompletionException.class,
            () ->
                subscribe("ibkr", StreamChannel.BARS, "TSLA", consumer)
                    .toCompletableFuture()
                    .join());
    assertInstanceOf(SubscriptionRefused.class, sixth.getCause());
    assertTrue(
        sixth.getCause().getMessage().contains("5 concurrent history (smh) streams"),
        sixth.getCause().getMessage());
    assertEquals(
        refusedByTheGateway, ibkr().historyRefused(), "refused before it reached the gateway");
    five.forEach(StreamSubscriptions.Subscription::cancel);
  }

  @Test
  void aContractSearchTheGatewayFailedIsTriedAgainAndTheSymbolStreams() {
    node.simulator().setFault("ibkr", Fault.of(Fault.Mode.UNAVAILABLE).times(1));
    TestProbe<StreamEvent> consumer = node.testKit().createTestProbe();
    var s = subscribe("ibkr", StreamChannel.QUOTES, "ORCL", consumer).toCompletableFuture().join();
    StreamEvent first = consumer.receiveMessage(Duration.ofSeconds(10));
    assertEquals("ORCL", first.symbol(), first.toString());
    assertInstanceOf(StreamQuote.class, first);
    s.cancel();
  }

  @Test
  void aSymbolTheContractSearchDoesNotFindIsRefusedAndHoldsNoLine() {
    TestProbe<StreamEvent> consumer = node.testKit().createTestProbe();
    CompletionException refused =
        assertThrows(
            CompletionException.class,
            () ->
                subscribe("ibkr", StreamChannel.QUOTES, "ZZNONE", consumer)
                    .toCompletableFuture()
                    .join());
    assertInstanceOf(SubscriptionRefused.class, refused.getCause());
    assertTrue(refused.getCause().getMessage().contains("ZZNONE"), refused.toString());
    assertEquals(0, ibkr().subscriptions("smd", "ZZNONE"));
  }

  @Test
  void theGatewayRefusesASixthHistoryStreamOnOneSession() throws Exception {
    String base = node.simulator().baseUrl();
    String session = Http.post(base + "/ibkr/v1/api/tickle", "").json().get("session").asText();
    LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
    WebSocket socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(
                URI.create(base.replaceFirst("^http", "ws") + "/ibkr/v1/api/ws"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    frames.add(data.toString());
                    ws.request(1);
                    return null;
                  }
                })
            .get(5, TimeUnit.SECONDS);
    assertEquals("{\"message\":\"waiting for session\"}", frames.poll(5, TimeUnit.SECONDS));
    socket.sendText("{\"session\":\"" + session + "\"}", true).get();
    assertTrue(frames.poll(5, TimeUnit.SECONDS).contains("\"authenticated\":true"));
    long refusedBefore = ibkr().historyRefused();
    for (long conid = 1; conid <= 6; conid++)
      socket.sendText("smh+" + conid + "+{\"period\":\"1d\",\"bar\":\"1min\"}", true).get();
    String refusal = null;
    while (refusal == null) {
      String frame = frames.poll(5, TimeUnit.SECONDS);
      assertNotNull(frame, "the sixth smh is answered");
      if (frame.contains("\"error\"")) refusal = frame;
    }
    assertEquals("smh+6", Json.mapper().readTree(refusal).get("topic").asText(), refusal);
    assertEquals(refusedBefore + 1, ibkr().historyRefused());
    socket.abort();
  }

  @Test
  void aRefusedPolygonKeyIsTriedOnceShownInTheAdminApiAndRefusesLaterSubscriptions() {
    TestProbe<StreamEvent> consumer = node.testKit().createTestProbe();
    // Accepted before the provider answered the auth, or refused after: either way it is said.
    boolean acknowledged =
        subscribe("polygon", StreamChannel.QUOTES, "AAPL", consumer)
            .thenApply(sub -> true)
            .exceptionally(e -> false)
            .toCompletableFuture()
            .join();
    Eventually.await(
        Duration.ofSeconds(10),
        "the polygon connection shows the rejected key",
        () -> connection("polygon").get("state").asText().equals("key_rejected"));
    JsonNode c = connection("polygon");
    assertEquals("authentication failed", c.get("detail").asText(), c.toString());
    CompletionException later =
        assertThrows(
            CompletionException.class,
            () ->
                subscribe("polygon", StreamChannel.QUOTES, "MSFT", consumer)
                    .toCompletableFuture()
                    .join());
    assertTrue(later.getCause().getMessage().contains("rejected the stream key"), later.toString());
    assertEquals(1, connection("polygon").get("connection_attempts").asInt(), "no reconnect storm");
    assertEquals(1, node.simulator().polygonStreams().authAttempts());
    assertFalse(c.toString().contains("invalid-stream-key"), "the key is never shown");
    if (acknowledged) {
      // Its next renewal is refused: the consumer hears why, and the subscription ends.
      StreamGap refused = (StreamGap) consumer.receiveMessage(Duration.ofSeconds(15));
      assertTrue(refused.reason().startsWith("refused: "), refused.toString());
    }
  }

  @Test
  void theAdminTapFollowsAStreamAsNewlineDelimitedJson() throws Exception {
    assertEquals(403, Http.get(node.url("/api/v1/streams/ibkr/tap?symbols=IBM")).status());
    assertEquals(400, node.adminGet("/api/v1/streams/ibkr/tap?symbols=IBM&channel=x").status());
    assertEquals(400, node.adminGet("/api/v1/streams/ibkr/tap?symbols=%3Cx%3E").status());
    assertEquals(404, node.adminGet("/api/v1/streams/nope/tap?symbols=IBM").status());
    assertEquals(
        409, node.adminGet("/api/v1/streams/ibkr/tap?symbols=IBM&channel=trades").status());

    HttpResponse<InputStream> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(node.url("/api/v1/streams/ibkr/tap?symbols=IBM")))
                    .header("X-API-Key", TestNode.ADMIN_KEY)
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, response.statusCode());
    assertEquals("application/x-ndjson", response.headers().firstValue("Content-Type").orElse(""));
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      JsonNode first = Json.mapper().readTree(lines.readLine());
      assertEquals("subscribed", first.get("event").asText());
      assertEquals("IBM", first.get("symbols").get(0).asText());
      JsonNode quote = Json.mapper().readTree(lines.readLine());
      assertEquals("quote", quote.get("event").asText(), quote.toString());
      assertEquals("IBM", quote.get("symbol").asText());
      assertTrue(quote.has("event_time") && quote.has("bid"), quote.toString());
    }
  }
}
