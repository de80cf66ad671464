package io.marketgate.app.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.marketgate.app.concurrent.Stages;
import io.marketgate.app.metrics.Metrics;
import io.marketgate.app.nearcache.NearCache;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.persistence.lastgood.LastGood;
import io.marketgate.persistence.lastgood.LastGoodRepository;
import io.marketgate.protocol.ProviderError;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.RequestOrigin;
import io.marketgate.protocol.SymbolProtocol;
import io.marketgate.protocol.SymbolProtocol.Answer;
import io.marketgate.protocol.SymbolProtocol.Reply;
import io.marketgate.protocol.Symbols;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The data endpoints of SPEC §3. Input is validated before anything else runs; a valid request
 * is one ask to the symbol's entity under the request deadline.
 */
public final class DataRoutes {
  private final ClusterSharding sharding;
  private final NearCache nearCache;
  private final LastGoodRepository lastGood;
  private final Metrics metrics;
  private final Duration deadline;
  private final Duration fallbackReserve;
  private final Clock clock;

  /**
   * @param fallbackReserve kept back from the request deadline for reading the durable last good
   *     value when the symbol's entity cannot answer
   */
  public DataRoutes(
      ClusterSharding sharding,
      NearCache nearCache,
      LastGoodRepository lastGood,
      Metrics metrics,
      Duration deadline,
      Duration fallbackReserve,
      Clock clock) {
    this.sharding = sharding;
    this.nearCache = nearCache;
    this.lastGood = lastGood;
    this.metrics = metrics;
    this.deadline = deadline;
    this.fallbackReserve = fallbackReserve;
    this.clock = clock;
  }

  /**
   * The routes, built once (the Java DSL calls each {@code () -> route} supplier per request). The
   * quote route is the hit path: one prefix match and one request extraction, the symbol read
   * from the decoded path segments.
   */
  public Route route() {
    Route quote = get(() -> extractRequest(request -> symbolRequest(Dataset.QUOTE, request, 3)));
    return pathPrefix(segment("api").slash("v1").slash("quotes"), () -> quote);
  }

  /** The one decoded path segment after the first {@code prefixSegments}, or null if the path has another shape. */
  private static String onlySegmentAfter(HttpRequest request, int prefixSegments) {
    String found = null;
    int i = 0;
    for (String segment : request.getUri().pathSegments()) {
      if (i++ < prefixSegments) continue;
      if (found != null) return null;
      found = segment;
    }
    return found;
  }

  private Route symbolRequest(Dataset dataset, HttpRequest request, int prefixSegments) {
    String raw = onlySegmentAfter(request, prefixSegments);
    Optional<String> symbol = raw == null ? Optional.empty() : Symbols.normalise(raw);
    if (symbol.isEmpty()) return complete(invalidSymbol(raw == null ? request.getUri().path() : raw));
    FetchKey key = FetchKey.of(dataset, symbol.get());
    long maxAge = CacheControl.maxAgeMillis(request.getHeader("Cache-Control").map(HttpHeader::value));
    return CallerDirectives.withCaller(caller -> serve(key, maxAge, caller.origin()));
  }

  /** From this node's near-cache when it holds a young enough answer, else from the entity. */
  private Route serve(FetchKey key, long maxAgeMillis, RequestOrigin origin) {
    long start = System.nanoTime();
    Answer near = nearCache.get(key, maxAgeMillis);
    if (near != null) {
      metrics.cacheRequest(key.dataset(), Metrics.CacheResult.HIT);
      return complete(respond(near, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
    }
    return completeWithFuture(fetch(key, maxAgeMillis, origin, start));
  }

  private CompletionStage<HttpResponse> fetch(FetchKey key, long maxAgeMillis, RequestOrigin origin, long start) {
    Duration askTimeout = deadline.minus(fallbackReserve);
    CompletionStage<Reply> reply =
        Stages.direct(
            sharding
                .entityRefFor(SymbolProtocol.ENTITY_KEY, key.symbol())
                .ask(replyTo -> new SymbolProtocol.Get(key, maxAgeMillis, askTimeout.toMillis(), origin, replyTo), askTimeout));
    return reply
        .handle((r, error) -> r)
        .thenCompose(
            r -> {
              if (r instanceof Answer a) {
                nearCache.offer(a);
                return CompletableFuture.completedFuture(respond(a, millisSince(start)));
              }
              if (r instanceof SymbolProtocol.NotFound) return CompletableFuture.completedFuture(respond(r, millisSince(start)));
              return fromLastGood(key, r, start);
            });
  }

  /**
   * The entity could not answer with data (every provider failed and it held nothing, or it was
   * unreachable): the durable last good value, read within what is left of the budget, served
   * stale; otherwise the error.
   */
  private CompletionStage<HttpResponse> fromLastGood(FetchKey key, Reply failure, long start) {
    List<ProviderError> errors =
        failure != null
            ? failure.errors()
            : List.of(new ProviderError("gateway", ProviderErrorCode.TIMEOUT, "the symbol's entity did not answer in time"));
    long left = deadline.toNanos() - (System.nanoTime() - start);
    return Stages.direct(lastGood.find(key))
        .orTimeout(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)), TimeUnit.MILLISECONDS)
        .handle((found, error) -> {
          if (found != null && found.isPresent()) {
            metrics.cacheRequest(key.dataset(), Metrics.CacheResult.STALE);
            return respond(staleFrom(found.get(), failure, errors), millisSince(start));
          }
          if (failure != null) return respond(failure, millisSince(start));
          return Problem.response(503, "entity-unreachable", "Service Unavailable",
              "No answer for " + key.symbol() + " within the request deadline and no stored value", errors);
        });
  }

  private static Answer staleFrom(LastGood g, Reply failure, List<ProviderError> errors) {
    return new Answer(g.key(), g.data(), g.source(), g.fallback(), true, true, g.fetchedAtMillis(), g.confidence() / 2,
        failure == null ? List.of() : failure.providersAttempted(), false,
        errors.stream().anyMatch(e -> e.code() == ProviderErrorCode.CIRCUIT_OPEN), errors);
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  private static final HttpHeader SOURCE_CACHE = RawHeader.create("X-Data-Source", "cache");
  private static final HttpHeader STALE = RawHeader.create("X-Data-Stale", "true");
  private static final HttpHeader NOT_STALE = RawHeader.create("X-Data-Stale", "false");

  private HttpResponse respond(Reply reply, long tookMillis) {
    if (reply instanceof Answer a) {
      long age = Math.max(0, clock.millis() - a.fetchedAtMillis());
      return HttpResponse.create()
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, AnswerEncoder.encode(a, age, tookMillis)))
          .addHeaders(
              List.of(
                  a.cached() ? SOURCE_CACHE : RawHeader.create("X-Data-Source", a.source()),
                  a.stale() ? STALE : NOT_STALE,
                  RawHeader.create("Age", Long.toString(age / 1000))));
    }
    List<ProviderError> errors = reply.errors();
    if (reply instanceof SymbolProtocol.NotFound) {
      return Problem.response(404, "unknown-symbol", "Not Found",
          "No provider knows " + reply.key().symbol(), errors);
    }
    return Problem.response(503, "providers-unavailable", "Service Unavailable",
        "No provider could answer " + reply.key() + " and nothing is cached", errors);
  }

  private static HttpResponse invalidSymbol(String raw) {
    return Problem.response(400, "invalid-symbol", "Bad Request",
        "A symbol is 1-" + Symbols.MAX_LENGTH + " characters of A-Z, 0-9, '.', '-', '=' (optionally after '^'); got "
            + printable(raw));
  }

  /** The rejected input, shortened and with control and non-ASCII characters escaped. */
  private static String printable(String raw) {
    StringBuilder sb = new StringBuilder("'");
    for (int i = 0; i < raw.length() && i < 40; i++) {
      char c = raw.charAt(i);
      if (c >= 0x20 && c < 0x7f) sb.append(c);
      else sb.append(String.format("\\u%04x", (int) c));
    }
    if (raw.length() > 40) sb.append("…");
    return sb.append("'").toString();
  }
}
