package io.marketgate.app.sim;

import java.time.Duration;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;

/**
 * One client WebSocket of a stream simulation: what it sends goes through a bounded queue (the
 * oldest frames are dropped when the client reads too slowly), its text frames are handed to {@link
 * #receive}, and {@link #tick} runs every interval while it is open. The provider's protocol is the
 * subclass's.
 */
abstract class SimulatedSocket {
  private SourceQueueWithComplete<Message> out;
  private volatile Cancellable ticker;
  private volatile boolean closed;

  /** The flow a WebSocket route serves: a new socket from {@code create} per connection. */
  static Flow<Message, Message, NotUsed> serve(
      ActorSystem<?> system, Duration interval, Supplier<SimulatedSocket> create) {
    Pair<SourceQueueWithComplete<Message>, Source<Message, NotUsed>> out =
        Source.<Message>queue(1024, OverflowStrategy.dropHead()).preMaterialize(system);
    SimulatedSocket socket = create.get();
    socket.out = out.first();
    socket.opened();
    socket.ticker =
        system
            .scheduler()
            .scheduleAtFixedRate(interval, interval, socket::tick, system.executionContext());
    Sink<Message, NotUsed> in =
        Flow.<Message>create()
            .filter(Message::isText)
            .mapAsync(
                1,
                m ->
                    m.asTextMessage()
                        .toStrict(5_000, Materializer.matFromSystem(system))
                        .thenApply(t -> t.getStrictText()))
            .to(
                Sink.<String>foreach(socket::receive)
                    .mapMaterializedValue(
                        done -> {
                          done.whenComplete((d, e) -> socket.closed());
                          return NotUsed.getInstance();
                        }));
    out.second().watchTermination((nu, done) -> done.whenComplete((d, e) -> socket.closed()));
    return Flow.fromSinkAndSourceCoupled(in, out.second());
  }

  /** The connection is open: greet the client. */
  abstract void opened();

  abstract void receive(String text);

  /** Every interval while open. */
  abstract void tick();

  /** The connection is gone: forget it. */
  abstract void forget();

  void send(String frame) {
    if (!closed) out.offer(TextMessage.create(frame));
  }

  boolean isClosed() {
    return closed;
  }

  /** Closes the connection from the server's side. */
  void close() {
    out.complete();
    closed();
  }

  private void closed() {
    if (closed) return;
    closed = true;
    if (ticker != null) ticker.cancel();
    forget();
  }
}
