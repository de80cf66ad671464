package io.marketgate.app.stream;

import io.marketgate.protocol.stream.StreamChannel;
import io.marketgate.protocol.stream.StreamEvent;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Source;

/**
 * One provider stream connection for one credential: a source of normalised events, and the
 * channels of the symbols it streams, changed while it runs and sent again on every new connection.
 * Implementations are thread-safe: the owner calls them from its actor, the stream runs elsewhere.
 */
public interface UpstreamSource {
  /**
   * The events, gaps included (one per symbol after a reconnect); materialised once. The kill
   * switch's {@code shutdown()} closes the connection.
   */
  Source<StreamEvent, UniqueKillSwitch> events();

  /**
   * Streams a channel of a symbol from now on.
   *
   * @return completes with why it is refused (the provider's limits, a symbol it does not know), or
   *     empty once it is subscribed
   */
  CompletionStage<Optional<String>> subscribe(StreamChannel channel, String symbol);

  void unsubscribe(StreamChannel channel, String symbol);

  /**
   * Closes the connection the way the provider expects (the WebSocket close handshake), so that
   * whatever the provider counts per credential is released; the events then complete. Not opened
   * again after this.
   */
  void close();

  UpstreamState state();

  /** Connections opened so far, the first included. */
  int connectionAttempts();

  /** Frames that broke the provider's format, skipped. */
  int badFrames();
}
