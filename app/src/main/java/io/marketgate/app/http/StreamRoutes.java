package io.marketgate.app.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketgate.app.json.Json;
import io.marketgate.app.stream.upstream.StreamSubscriptions;
import io.marketgate.app.stream.upstream.SubscriptionRefused;
import io.marketgate.protocol.Symbols;
import io.marketgate.protocol.stream.StreamChannel;
import io.marketgate.protocol.stream.StreamEvent;
import io.marketgate.protocol.stream.StreamGap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import org.apache.pekko.util.ByteString;

/**
 * Operators' view of the cluster's provider streams: {@code GET /api/v1/streams} lists each
 * connection (owner node, state, subscriptions), and {@code GET /api/v1/streams/{provider}/tap}
 * follows a channel of some symbols as newline-delimited JSON, the first line once the
 * subscriptions are acknowledged. Both are admin only.
 */
public final class StreamRoutes {
  static final List<ApiOperation> OPERATIONS =
      List.of(
          ApiOperation.get("/api/v1/streams"), ApiOperation.get("/api/v1/streams/{provider}/tap"));

  private static final int MAX_TAP_SYMBOLS = 20;

  private static final ContentType NDJSON =
      ContentTypes.create(
          MediaTypes.customWithFixedCharset(
              "application", "x-ndjson", HttpCharsets.UTF_8, Map.of(), false));

  /** Events a slow tap reader may fall behind by; older ones are dropped (never the socket). */
  private static final int TAP_BUFFER = 1024;

  private final ActorSystem<?> system;
  private final StreamSubscriptions streams;
  private final CallerDirectives callers;
  private final Duration timeout;

  /**
   * @param timeout how long owners have to report their state
   */
  public StreamRoutes(
      ActorSystem<?> system,
      StreamSubscriptions streams,
      CallerDirectives callers,
      Duration timeout) {
    this.system = system;
    this.streams = streams;
    this.callers = callers;
    this.timeout = timeout;
  }

  public Route route() {
    return pathPrefix(
        PathMatchers.segment("api").slash("v1").slash("streams"),
        () ->
            concat(
                pathEnd(
                    () ->
                        get(
                            () ->
                                callers.operations(
                                    caller ->
                                        completeWithFuture(
                                            streams
                                                .statuses(timeout)
                                                .thenApply(
                                                    list ->
                                                        OperationsRoutes.json(
                                                            Map.of("connections", list))))))),
                path(
                    PathMatchers.segment().slash("tap"),
                    provider ->
                        get(
                            () ->
                                callers.operations(
                                    caller ->
                                        parameterOptional(
                                            "channel",
                                            channel ->
                                                parameterOptional(
                                                    "symbols",
                                                    symbols ->
                                                        tap(provider, channel, symbols))))))));
  }

  private Route tap(String provider, Optional<String> channelName, Optional<String> symbolList) {
    StreamChannel channel;
    try {
      channel = StreamChannel.fromWireName(channelName.orElse("quotes"));
    } catch (IllegalArgumentException e) {
      return complete(badRequest(e.getMessage()));
    }
    Set<String> symbols = new LinkedHashSet<>();
    for (String raw : symbolList.orElse("").split(",")) {
      if (raw.isBlank()) continue;
      Optional<String> symbol = Symbols.normalise(raw.trim());
      if (symbol.isEmpty()) return complete(badRequest("not a ticker symbol: " + raw.trim()));
      symbols.add(symbol.get());
    }
    if (symbols.isEmpty() || symbols.size() > MAX_TAP_SYMBOLS)
      return complete(
          badRequest("symbols: 1 to " + MAX_TAP_SYMBOLS + " comma-separated ticker symbols"));
    if (streams.providers().named(provider).isEmpty())
      return complete(
          Problem.response(404, "not-found", "Not Found", "No stream provider named " + provider));
    return completeWithFuture(open(provider, channel, List.copyOf(symbols)));
  }

  private CompletionStage<HttpResponse> open(
      String provider, StreamChannel channel, List<String> symbols) {
    Pair<ActorRef<StreamEvent>, Source<StreamEvent, NotUsed>> events =
        ActorSource.<StreamEvent>actorRef(
                e -> false, e -> Optional.empty(), TAP_BUFFER, OverflowStrategy.dropHead())
            .preMaterialize(system);
    List<CompletableFuture<StreamSubscriptions.Subscription>> subscriptions = new ArrayList<>();
    for (String symbol : symbols)
      subscriptions.add(
          streams
              .subscribe(provider, channel, symbol, events.first(), streams.acknowledgeTimeout())
              .toCompletableFuture());
    return CompletableFuture.allOf(subscriptions.toArray(CompletableFuture[]::new))
        .handle(
            (done, failure) -> {
              if (failure != null) {
                subscriptions.forEach(s -> s.thenAccept(StreamSubscriptions.Subscription::cancel));
                // Nothing will read the buffer: cancel it, which stops its actor.
                events.second().runWith(Sink.cancelled(), system);
                return refused(failure);
              }
              ObjectNode first = Json.mapper().createObjectNode().put("event", "subscribed");
              first.put("provider", provider).put("channel", channel.wireName());
              symbols.forEach(first.putArray("symbols")::add);
              Source<ByteString, NotUsed> lines =
                  Source.single(line(first))
                      .concat(
                          events.second().takeWhile(e -> !ends(e), true).map(StreamRoutes::line))
                      .watchTermination(
                          (nu, finished) -> {
                            finished.whenComplete(
                                (d, e) -> subscriptions.forEach(s -> s.join().cancel()));
                            return nu;
                          });
              return HttpResponse.create().withEntity(HttpEntities.createChunked(NDJSON, lines));
            });
  }

  /** A subscription refused after its acknowledgement ends the tap (its gap is the last line). */
  private static boolean ends(StreamEvent event) {
    return event instanceof StreamGap gap && gap.reason().startsWith("refused:");
  }

  private static ByteString line(Object value) {
    if (value instanceof StreamEvent event) {
      ObjectNode node = Json.mapper().valueToTree(event);
      ObjectNode out = Json.mapper().createObjectNode().put("event", node.remove("type").asText());
      out.setAll(node);
      value = out;
    }
    return ByteString.fromArray(Json.encode(value)).concat(ByteString.fromString("\n"));
  }

  private static HttpResponse refused(Throwable failure) {
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    if (cause instanceof SubscriptionRefused refused)
      return Problem.response(
          409, "subscription-refused", "Subscription Refused", refused.getMessage());
    if (cause instanceof TimeoutException)
      return Problem.response(
          503,
          "stream-unavailable",
          "Service Unavailable",
          "The stream's owner did not acknowledge the subscription in time");
    throw new CompletionException(cause);
  }

  private static HttpResponse badRequest(String detail) {
    return Problem.response(400, "bad-parameter", "Bad Request", detail);
  }
}
