package io.marketgate.bench.load;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The generator's numbers against a server whose behaviour is known exactly. */
class LoadGeneratorTest {
  static {
    // The JDK server writes headers and body separately; without TCP_NODELAY every answer waits
    // for a delayed ACK (about 40 ms) and the test would measure that instead.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private HttpServer server;
  private ExecutorService executor;
  private final AtomicLong served = new AtomicLong();
  private volatile long delayMillis;
  private LoadGenerator.Target target;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    executor = Executors.newFixedThreadPool(16);
    server.setExecutor(executor);
    server.createContext(
        "/",
        exchange -> {
          if (delayMillis > 0) LockSupport.parkNanos(Duration.ofMillis(delayMillis).toNanos());
          byte[] body =
              ("ok " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
          int status = exchange.getRequestURI().getPath().startsWith("/missing") ? 404 : 200;
          // Counted before answering: the client may see the answer before this thread runs again.
          served.incrementAndGet();
          exchange.sendResponseHeaders(status, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    target = new LoadGenerator.Target("127.0.0.1", server.getAddress().getPort());
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Test
  void closedLoopCountsEveryAnswerByStatus() {
    List<byte[]> requests =
        List.of(LoadGenerator.get(target, "/a"), LoadGenerator.get(target, "/missing"));
    LoadResult r =
        LoadGenerator.closedLoop(target, requests, 4, 2, Duration.ZERO, Duration.ofSeconds(1));
    assertTrue(r.completed() > 100, r.toString());
    assertEquals(r.completed(), r.count(200) + r.count(404));
    assertTrue(
        Math.abs(r.count(200) - r.count(404)) <= 4,
        "requests alternate per connection: " + r.statuses());
    assertTrue(served.get() >= r.completed(), "never more answers than the server gave");
    assertEquals(0, r.errors());
    assertEquals(r.completed() / 1.0, r.throughput(), r.completed() * 0.001);
  }

  @Test
  void openLoopKeepsItsRateWhenTheServerKeepsUp() {
    delayMillis = 5;
    LoadResult r =
        LoadGenerator.openLoop(
            target,
            List.of(LoadGenerator.get(target, "/a")),
            8,
            200,
            Duration.ZERO,
            Duration.ofSeconds(2));
    assertEquals(400, r.completed(), "every due request was sent and answered: " + r);
    assertTrue(r.percentileMillis(50) >= 5 && r.percentileMillis(50) < 50, r.toString());
  }

  @Test
  void openLoopCountsTheWaitOfRequestsAStalledServerDelayed() {
    // One connection and 20 ms per answer: at most 50 answers a second, but 200 are due.
    delayMillis = 20;
    LoadResult open =
        LoadGenerator.openLoop(
            target,
            List.of(LoadGenerator.get(target, "/a")),
            1,
            200,
            Duration.ZERO,
            Duration.ofSeconds(1));
    assertEquals(200, open.completed(), open.toString());
    assertTrue(
        open.percentileMillis(99) > 2000,
        "the last requests waited about 3 s after they were due: " + open);

    LoadResult closed =
        LoadGenerator.closedLoop(
            target,
            List.of(LoadGenerator.get(target, "/a")),
            1,
            1,
            Duration.ZERO,
            Duration.ofSeconds(1));
    assertTrue(
        closed.percentileMillis(99) < 200,
        "a closed loop only ever sees the service time: " + closed);
  }

  @Test
  void aBurstSendsOneRequestPerConnectionAtOnce() {
    delayMillis = 100;
    LoadResult r =
        LoadGenerator.burst(
            target,
            LoadGenerator.get(target, "/prime"),
            List.of(LoadGenerator.get(target, "/herd")),
            16,
            Duration.ofSeconds(10));
    assertEquals(16, r.completed());
    assertEquals(32, served.get(), "16 primings and 16 burst requests");
    assertTrue(r.percentileMillis(50) >= 100, r.toString());
    assertTrue(
        r.window().toMillis() >= 100 && r.window().toMillis() < 2000,
        "time until the last answer: " + r.window());
  }

  @Test
  void eachSendsEveryRequestExactlyOnce() {
    List<byte[]> requests = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) requests.add(LoadGenerator.get(target, "/each/" + i));
    LoadResult r = LoadGenerator.each(target, requests, 8);
    assertEquals(300, r.completed());
    assertEquals(300, served.get());
  }
}
