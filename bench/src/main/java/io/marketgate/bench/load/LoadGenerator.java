package io.marketgate.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * An HTTP/1.1 load generator on non-blocking sockets (one selector per thread, keep-alive, no
 * pipelining), in three shapes:
 *
 * <ul>
 *   <li>{@link #closedLoop}: C connections, each sending its next request as soon as the previous
 *       answer arrived (throughput at a given concurrency, like wrk);
 *   <li>{@link #openLoop}: requests due at a fixed rate whatever the answers do, latency measured
 *       from when each request was <em>due</em>, so a stall shows up in every request it delayed
 *       (no coordinated omission, like wrk2);
 *   <li>{@link #burst}: N connections opened first, then one request on each at the same moment (a
 *       thundering herd).
 * </ul>
 */
public final class LoadGenerator {
  private static final long HIGHEST_MICROS = Duration.ofMinutes(10).toNanos() / 1000;

  private LoadGenerator() {}

  /** Where requests go. */
  public record Target(String host, int port) {
    public static Target of(String baseUrl) {
      URI uri = URI.create(baseUrl);
      return new Target(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort());
    }
  }

  /** A GET request as written on the wire; {@code headers} are name, value pairs. */
  public static byte[] get(Target target, String path, String... headers) {
    StringBuilder sb =
        new StringBuilder("GET ")
            .append(path)
            .append(" HTTP/1.1\r\nHost: ")
            .append(target.host())
            .append(':')
            .append(target.port())
            .append("\r\n");
    for (int i = 0; i < headers.length; i += 2)
      sb.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  public static LoadResult closedLoop(
      Target target,
      List<byte[]> requests,
      int connections,
      int threads,
      Duration warmup,
      Duration duration) {
    long start = System.nanoTime();
    long recordFrom = start + warmup.toNanos();
    long end = recordFrom + duration.toNanos();
    List<Worker> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int share = connections / threads + (t < connections % threads ? 1 : 0);
      workers.add(
          new Worker(target, requests, share, t) {
            @Override
            void run0() throws IOException {
              connectAll();
              while (System.nanoTime() < end) {
                pump(10);
              }
            }

            @Override
            void onConnected(Conn c) throws IOException {
              if (System.nanoTime() < end) send(c, System.nanoTime());
            }

            @Override
            void onResponse(Conn c, int status, long now) throws IOException {
              if (c.startNanos >= recordFrom && now <= end) record(status, now - c.startNanos, now);
              if (now < end) send(c, System.nanoTime());
            }
          });
    }
    return runAll(workers, Duration.ofNanos(end - recordFrom));
  }

  /** Sends every request of {@code requests} exactly once over {@code connections} connections. */
  public static LoadResult each(Target target, List<byte[]> requests, int connections) {
    long start = System.nanoTime();
    int[] nextIndex = {0};
    Worker worker =
        new Worker(target, requests, Math.min(connections, requests.size()), 0) {
          private int answered;

          @Override
          void run0() throws IOException {
            connectAll();
            while (answered + errors < requests.size()) pump(10);
          }

          @Override
          void onConnected(Conn c) throws IOException {
            sendNext(c);
          }

          @Override
          void onResponse(Conn c, int status, long now) throws IOException {
            record(status, now - c.startNanos, now);
            answered++;
            sendNext(c);
          }

          private void sendNext(Conn c) throws IOException {
            if (nextIndex[0] < requests.size()) {
              c.next = nextIndex[0]++;
              send(c, System.nanoTime());
            }
          }
        };
    LoadResult r = runAll(List.of(worker), Duration.ZERO);
    return new LoadResult(
        r.histogram(),
        r.statuses(),
        r.errors(),
        Duration.ofNanos(System.nanoTime() - start),
        r.lastCompletionNanos());
  }

  /**
   * @param rate requests per second over all connections; a request is due every 1/rate seconds and
   *     waits for an idle connection if none is free, its wait counted in its latency
   */
  public static LoadResult openLoop(
      Target target,
      List<byte[]> requests,
      int connections,
      double rate,
      Duration warmup,
      Duration duration) {
    long start = System.nanoTime() + Duration.ofMillis(200).toNanos();
    long recordFrom = start + warmup.toNanos();
    long end = recordFrom + duration.toNanos();
    long interval = Math.round(1e9 / rate);
    Worker worker =
        new Worker(target, requests, connections, 0) {
          private final ArrayDeque<Long> due = new ArrayDeque<>();
          private final ArrayDeque<Conn> idle = new ArrayDeque<>();
          private long next = start;

          @Override
          void run0() throws IOException {
            connectAll();
            long drainUntil = end + Duration.ofSeconds(10).toNanos();
            while (true) {
              long now = System.nanoTime();
              while (next <= now && next < end) {
                due.add(next);
                next += interval;
              }
              while (!due.isEmpty() && !idle.isEmpty()) {
                Conn c = idle.poll();
                c.idle = false;
                if (c.connected) send(c, due.poll());
              }
              if (next >= end && due.isEmpty() && inFlight() == 0) break;
              if (now > drainUntil) break;
              long wait = next - System.nanoTime();
              if (next < end && wait < 1_000_000) {
                if (wait > 0) LockSupport.parkNanos(Math.min(wait, 50_000));
                pumpNow();
              } else {
                pump(Math.max(1, Math.min(10, wait / 1_000_000)));
              }
            }
          }

          @Override
          void onConnected(Conn c) {
            makeIdle(c);
          }

          @Override
          void onResponse(Conn c, int status, long now) {
            if (c.startNanos >= recordFrom) record(status, now - c.startNanos, now);
            makeIdle(c);
          }

          private void makeIdle(Conn c) {
            if (!c.idle) {
              c.idle = true;
              idle.add(c);
            }
          }
        };
    return runAll(List.of(worker), duration);
  }

  /**
   * Opens {@code count} keep-alive connections and sends {@code priming} once on each (so the
   * server has accepted them and set them up, as for a client's pooled connections); then sends one
   * of {@code requests} on every connection at the same moment and waits for all answers.
   */
  public static LoadResult burst(
      Target target, byte[] priming, List<byte[]> requests, int count, Duration timeout) {
    Worker worker =
        new Worker(target, requests, count, 0) {
          private boolean primed;
          private int answered;

          @Override
          void run0() throws IOException {
            connectAll();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (answered + errors < conns.size() && System.nanoTime() < deadline) pump(10);
            if (answered < conns.size())
              throw new IOException(
                  "only " + answered + " of " + conns.size() + " connections primed");
            primed = true;
            answered = 0;
            burstStart = System.nanoTime();
            for (Conn c : conns) send(c, System.nanoTime());
            long until = System.nanoTime() + timeout.toNanos();
            while (answered + errors < conns.size() && System.nanoTime() < until) pump(10);
          }

          @Override
          void onConnected(Conn c) throws IOException {
            c.startNanos = System.nanoTime();
            c.busy = true;
            c.out = ByteBuffer.wrap(priming);
            c.channel.write(c.out);
            c.channel
                .keyFor(selector)
                .interestOps(c.out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
          }

          @Override
          void onResponse(Conn c, int status, long now) {
            if (primed) record(status, now - c.startNanos, now);
            answered++;
          }
        };
    LoadResult r = runAll(List.of(worker), Duration.ZERO);
    return new LoadResult(
        r.histogram(),
        r.statuses(),
        r.errors(),
        Duration.ofNanos(Math.max(0, r.lastCompletionNanos() - worker.burstStart)),
        r.lastCompletionNanos());
  }

  private static LoadResult runAll(List<Worker> workers, Duration window) {
    List<Thread> threads = new ArrayList<>();
    for (Worker w : workers) {
      Thread t = new Thread(w, "load-" + w.index);
      t.start();
      threads.add(t);
    }
    Histogram merged = new Histogram(HIGHEST_MICROS, 3);
    Map<Integer, Long> statuses = new HashMap<>();
    long errors = 0;
    long last = 0;
    for (int i = 0; i < threads.size(); i++) {
      try {
        threads.get(i).join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      Worker w = workers.get(i);
      if (w.failure != null) throw new IllegalStateException("load worker failed", w.failure);
      merged.add(w.histogram);
      w.statuses.forEach((k, v) -> statuses.merge(k, v, Long::sum));
      errors += w.errors;
      last = Math.max(last, w.lastCompletion);
    }
    return new LoadResult(merged, statuses, errors, window, last);
  }

  /** One connection's state. */
  static final class Conn {
    SocketChannel channel;
    ByteBuffer out;
    ResponseParser parser = new ResponseParser();
    long startNanos;
    int next;
    boolean busy;
    boolean connected;
    boolean idle;
  }

  /** One selector thread driving a share of the connections. */
  abstract static class Worker implements Runnable {
    final Target target;
    final List<byte[]> requests;
    final int count;
    final int index;
    final List<Conn> conns = new ArrayList<>();
    final Histogram histogram = new Histogram(HIGHEST_MICROS, 3);
    final Map<Integer, Long> statuses = new HashMap<>();
    final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
    Selector selector;
    long errors;
    long lastCompletion;
    int connected;
    long burstStart;
    volatile Throwable failure;

    Worker(Target target, List<byte[]> requests, int count, int index) {
      this.target = target;
      this.requests = requests;
      this.count = count;
      this.index = index;
    }

    abstract void run0() throws IOException;

    abstract void onConnected(Conn c) throws IOException;

    abstract void onResponse(Conn c, int status, long now) throws IOException;

    @Override
    public void run() {
      try (Selector s = Selector.open()) {
        selector = s;
        run0();
      } catch (Throwable t) {
        failure = t;
      } finally {
        for (Conn c : conns) closeQuietly(c);
      }
    }

    void connectAll() throws IOException {
      for (int i = 0; i < count; i++) {
        Conn c = new Conn();
        c.next = index * 7919 + i;
        conns.add(c);
        open(c);
      }
    }

    int inFlight() {
      int n = 0;
      for (Conn c : conns) if (c.busy) n++;
      return n;
    }

    void record(int status, long latencyNanos, long now) {
      histogram.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, latencyNanos / 1000)));
      statuses.merge(status, 1L, Long::sum);
      lastCompletion = Math.max(lastCompletion, now);
    }

    void send(Conn c, long startNanos) throws IOException {
      c.startNanos = startNanos;
      c.busy = true;
      c.out = ByteBuffer.wrap(requests.get(Math.floorMod(c.next++, requests.size())));
      c.channel.write(c.out);
      c.channel
          .keyFor(selector)
          .interestOps(c.out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    void pump(long timeoutMillis) throws IOException {
      selector.select(timeoutMillis);
      handleSelected();
    }

    void pumpNow() throws IOException {
      selector.selectNow();
      handleSelected();
    }

    private void handleSelected() throws IOException {
      Iterator<SelectionKey> it = selector.selectedKeys().iterator();
      while (it.hasNext()) {
        SelectionKey key = it.next();
        it.remove();
        Conn c = (Conn) key.attachment();
        try {
          if (!key.isValid()) continue;
          if (key.isConnectable()) {
            c.channel.finishConnect();
            key.interestOps(SelectionKey.OP_READ);
            c.connected = true;
            connected++;
            onConnected(c);
          } else if (key.isWritable()) {
            c.channel.write(c.out);
            if (!c.out.hasRemaining()) key.interestOps(SelectionKey.OP_READ);
          } else if (key.isReadable()) {
            read(c);
          }
        } catch (IOException | RuntimeException e) {
          errors++;
          boolean wasBusy = c.busy;
          reopen(c);
          if (wasBusy) lastCompletion = Math.max(lastCompletion, System.nanoTime());
        }
      }
    }

    private void read(Conn c) throws IOException {
      in.clear();
      int n = c.channel.read(in);
      if (n < 0) throw new IOException("connection closed by the server");
      in.flip();
      int status = c.parser.feed(in);
      if (status == ResponseParser.INCOMPLETE) return;
      long now = System.nanoTime();
      boolean close = c.parser.connectionClose();
      c.parser.reset();
      c.busy = false;
      if (close) {
        reopen(c);
        record(status, now - c.startNanos, now);
        return;
      }
      onResponse(c, status, now);
    }

    private void open(Conn c) throws IOException {
      c.channel = SocketChannel.open();
      c.channel.configureBlocking(false);
      c.channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
      c.channel.connect(new InetSocketAddress(target.host(), target.port()));
      c.channel.register(selector, SelectionKey.OP_CONNECT, c);
    }

    private void reopen(Conn c) {
      closeQuietly(c);
      c.busy = false;
      c.parser = new ResponseParser();
      if (c.connected) connected--;
      c.connected = false;
      try {
        open(c);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static void closeQuietly(Conn c) {
      try {
        if (c.channel != null) c.channel.close();
      } catch (IOException ignored) {
        // Closing a broken connection.
      }
    }
  }
}
