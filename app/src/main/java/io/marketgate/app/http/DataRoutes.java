package io.marketgate.app.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.concurrent.Stages;
import io.marketgate.app.json.Json;
import io.marketgate.app.logging.OccasionalLog;
import io.marketgate.app.metrics.Metrics;
import io.marketgate.app.nearcache.NearCache;
import io.marketgate.app.provider.ProviderRegistry;
import io.marketgate.app.symbol.BatchFetch;
import io.marketgate.persistence.lastgood.LastGood;
import io.marketgate.persistence.lastgood.LastGoodRepository;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderError;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.RequestOrigin;
import io.marketgate.protocol.SearchQueries;
import io.marketgate.protocol.SeriesIds;
import io.marketgate.protocol.SymbolProtocol;
import io.marketgate.protocol.SymbolProtocol.Answer;
import io.marketgate.protocol.SymbolProtocol.Reply;
import io.marketgate.protocol.Symbols;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.slf4j.LoggerFactory;

/**
 * The data endpoints. Input is validated before anything else runs; a valid request is answered
 * from this node's near-cache or by one ask to the entity of its symbol (or series id, or search
 * query) under the request deadline; a batch of quotes goes through {@link BatchFetch}.
 */
public final class DataRoutes {
  private static final OccasionalLog UNANSWERED =
      new OccasionalLog(LoggerFactory.getLogger(DataRoutes.class), Duration.ofSeconds(10));
  public static final int MAX_BATCH = 100;
  private static final long MAX_BATCH_BODY = 16 * 1024;
  private static final Set<String> STATEMENTS = Set.of("income", "balance", "cash_flow");
  private static final Set<String> PERIODS = Set.of("annual", "quarterly");

  /** A request's key, or the 400 answer that replaces it. */
  private record Parsed(FetchKey key, HttpResponse invalid) {
    static Parsed of(FetchKey key) {
      return new Parsed(key, null);
    }

    static Parsed bad(String type, String detail) {
      return new Parsed(null, Problem.response(400, type, "Bad Request", detail));
    }
  }

  private final BatchFetch batchFetch;
  private final ClusterSharding sharding;
  private final ProviderRegistry providers;
  private final NearCache nearCache;
  private final LastGoodRepository lastGood;
  private final Metrics metrics;
  private final Duration deadline;
  private final Duration fallbackReserve;
  private final Clock clock;
  private final CallerDirectives callers;

  /**
   * @param fallbackReserve kept back from the request deadline for reading the durable last good
   *     value when the symbol's entity cannot answer
   */
  public DataRoutes(
      ActorSystem<?> system,
      ProviderRegistry providers,
      BatchFetch batchFetch,
      NearCache nearCache,
      LastGoodRepository lastGood,
      Metrics metrics,
      Duration deadline,
      Duration fallbackReserve,
      CallerDirectives callers,
      Clock clock) {
    this.callers = callers;
    this.batchFetch = batchFetch;
    this.sharding = ClusterSharding.get(system);
    this.providers = providers;
    this.nearCache = nearCache;
    this.lastGood = lastGood;
    this.metrics = metrics;
    this.deadline = deadline;
    this.fallbackReserve = fallbackReserve;
    this.clock = clock;
  }

  /** The operations {@link #route} serves. */
  static final List<ApiOperation> OPERATIONS =
      List.of(
          ApiOperation.get("/api/v1/quotes/{symbol}"),
          ApiOperation.post("/api/v1/quotes/batch"),
          ApiOperation.get("/api/v1/fundamentals/{symbol}"),
          ApiOperation.get("/api/v1/company/{symbol}"),
          ApiOperation.get("/api/v1/earnings/{symbol}"),
          ApiOperation.get("/api/v1/options-flow/{symbol}"),
          ApiOperation.get("/api/v1/economic/{series_id}"),
          ApiOperation.get("/api/v1/news/{symbol}"),
          ApiOperation.get("/api/v1/search"));

  /**
   * The routes, built once (the Java DSL calls each {@code () -> route} supplier per request). The
   * quote route is the hit path: one prefix match and one request extraction.
   */
  public Route route() {
    Route quote = keyed(3, (raw, request) -> symbolKey(Dataset.QUOTE, raw));
    Route batch =
        post(
            () ->
                withSizeLimit(
                    MAX_BATCH_BODY,
                    () ->
                        extractRequest(
                            request ->
                                entity(
                                    Unmarshaller.entityToString(), body -> batch(request, body)))));
    Route quotes = concat(path("batch", () -> batch), quote);
    Route fundamentals = keyed(3, this::fundamentalsKey);
    Route company = keyed(3, (raw, request) -> symbolKey(Dataset.COMPANY, raw));
    Route earnings = keyed(3, (raw, request) -> symbolKey(Dataset.EARNINGS, raw));
    Route options = keyed(3, (raw, request) -> symbolKey(Dataset.OPTIONS_FLOW, raw));
    Route economic = keyed(3, (raw, request) -> seriesKey(raw));
    Route news = keyed(3, (raw, request) -> symbolKey(Dataset.NEWS, raw));
    Route search = get(() -> extractRequest(request -> serve(searchKey(request), request)));
    Route data =
        concat(
            pathPrefix("quotes", () -> quotes),
            pathPrefix("fundamentals", () -> fundamentals),
            pathPrefix("company", () -> company),
            pathPrefix("earnings", () -> earnings),
            pathPrefix("options-flow", () -> options),
            pathPrefix("economic", () -> economic),
            pathPrefix("news", () -> news),
            path("search", () -> search));
    return pathPrefix(segment("api").slash("v1"), () -> data);
  }

  /** GET with the key read from the one path segment after {@code prefixSegments}. */
  private Route keyed(int prefixSegments, BiFunction<String, HttpRequest, Parsed> parse) {
    Route inner =
        get(
            () ->
                extractRequest(
                    request -> {
                      String raw = onlySegmentAfter(request, prefixSegments);
                      return serve(
                          raw == null
                              ? Parsed.bad(
                                  "invalid-symbol",
                                  "expected one path segment after " + request.getUri().path())
                              : parse.apply(raw, request),
                          request);
                    }));
    // "/quotes" without a slash is no resource (404); "/quotes/" is an empty symbol (400).
    return rawPathPrefixTest(PathMatchers.slash(), () -> inner);
  }

  private Route serve(Parsed parsed, HttpRequest request) {
    if (parsed.invalid() != null) return complete(parsed.invalid());
    if (providers.planFor(parsed.key().dataset()).isEmpty())
      return complete(noProvider(parsed.key().dataset()));
    long maxAge =
        CacheControl.maxAgeMillis(request.getHeader("Cache-Control").map(HttpHeader::value));
    FetchKey key = parsed.key();
    return callers.data(
        request,
        key.dataset(),
        key.toString(),
        caller -> serve(key, caller.profile().boundedMaxAge(maxAge), caller.origin()));
  }

  /**
   * The one decoded path segment after the first {@code prefixSegments}, or null if the path has
   * another shape.
   */
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

  private static Parsed symbolKey(Dataset dataset, String raw) {
    return Symbols.normalise(raw)
        .map(s -> Parsed.of(FetchKey.of(dataset, s)))
        .orElseGet(() -> Parsed.bad("invalid-symbol", invalidSymbol(raw)));
  }

  private Parsed fundamentalsKey(String raw, HttpRequest request) {
    Parsed symbol = symbolKey(Dataset.FUNDAMENTALS, raw);
    if (symbol.invalid() != null) return symbol;
    String statement = request.getUri().query().get("statement").orElse("income");
    String period = request.getUri().query().get("period").orElse("annual");
    if (!STATEMENTS.contains(statement))
      return Parsed.bad("invalid-parameter", "statement must be income, balance or cash_flow");
    if (!PERIODS.contains(period))
      return Parsed.bad("invalid-parameter", "period must be annual or quarterly");
    return Parsed.of(
        FetchKey.of(
            Dataset.FUNDAMENTALS,
            symbol.key().symbol(),
            Map.of("statement", statement, "period", period)));
  }

  private static Parsed seriesKey(String raw) {
    return SeriesIds.normalise(raw)
        .map(id -> Parsed.of(FetchKey.of(Dataset.ECONOMIC, id)))
        .orElseGet(
            () ->
                Parsed.bad(
                    "invalid-series",
                    "A series id is 1-40 characters of A-Z, 0-9 and _; got " + printable(raw)));
  }

  private static Parsed searchKey(HttpRequest request) {
    Optional<String> q = request.getUri().query().get("q");
    return q.flatMap(SearchQueries::normalise)
        .map(query -> Parsed.of(FetchKey.of(Dataset.SEARCH, query)))
        .orElseGet(
            () ->
                Parsed.bad(
                    "invalid-query",
                    "q is 1-50 characters of letters, digits, spaces and . - & '"));
  }

  /** From this node's near-cache when it holds a young enough answer, else from the entity. */
  private Route serve(FetchKey key, long maxAgeMillis, RequestOrigin origin) {
    long start = System.nanoTime();
    Answer near = nearCache.get(key, maxAgeMillis);
    if (near != null) {
      metrics.cacheRequest(key.dataset(), Metrics.CacheResult.HIT);
      return complete(respond(near, millisSince(start)));
    }
    return completeWithFuture(
        fetch(key, maxAgeMillis, origin, start).thenApply(r -> respond(r, millisSince(start))));
  }

  /** The entity's reply, or after Unavailable or no answer, the stored last good value. */
  private CompletionStage<Reply> fetch(
      FetchKey key, long maxAgeMillis, RequestOrigin origin, long start) {
    Duration askTimeout = deadline.minus(fallbackReserve);
    return Stages.direct(
            sharding
                .entityRefFor(SymbolProtocol.ENTITY_KEY, key.symbol())
                .<Reply>ask(
                    replyTo ->
                        new SymbolProtocol.Get(
                            key, maxAgeMillis, askTimeout.toMillis(), origin, replyTo),
                    askTimeout))
        .handle(
            (r, error) -> {
              if (error != null) {
                UNANSWERED.warn(
                    "The entity of {} did not answer {} within {} ms ({}); answering from the last"
                        + " good value",
                    key.symbol(),
                    key,
                    askTimeout.toMillis(),
                    error.getClass().getSimpleName());
              }
              return r;
            })
        .thenCompose(r -> settle(key, r, start));
  }

  private CompletionStage<Reply> settle(FetchKey key, Reply r, long start) {
    if (r instanceof Answer a) {
      nearCache.offer(a);
      return CompletableFuture.completedFuture(a);
    }
    if (r instanceof SymbolProtocol.NotFound) return CompletableFuture.completedFuture(r);
    return fromLastGood(key, r, start);
  }

  /**
   * The entity could not answer with data (every provider failed and it held nothing, or it was
   * unreachable): the durable last good value, read within what is left of the budget, as a stale
   * answer; otherwise Unavailable.
   */
  private CompletionStage<Reply> fromLastGood(FetchKey key, Reply failure, long start) {
    List<ProviderError> errors =
        failure != null
            ? failure.errors()
            : List.of(
                new ProviderError(
                    "gateway",
                    ProviderErrorCode.TIMEOUT,
                    "the entity of " + key.symbol() + " did not answer in time"));
    long left = deadline.toNanos() - (System.nanoTime() - start);
    return Stages.direct(lastGood.find(key))
        .orTimeout(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)), TimeUnit.MILLISECONDS)
        .handle(
            (found, error) -> {
              if (found != null && found.isPresent()) {
                metrics.cacheRequest(key.dataset(), Metrics.CacheResult.STALE);
                return staleFrom(found.get(), failure, errors);
              }
              return failure != null
                  ? failure
                  : new SymbolProtocol.Unavailable(key, List.of(), errors);
            });
  }

  private static Answer staleFrom(LastGood g, Reply failure, List<ProviderError> errors) {
    return new Answer(
        g.key(),
        g.data(),
        g.source(),
        g.fallback(),
        true,
        true,
        g.fetchedAtMillis(),
        g.confidence() / 2,
        failure == null ? List.of() : failure.providersAttempted(),
        false,
        errors.stream().anyMatch(e -> e.code() == ProviderErrorCode.CIRCUIT_OPEN),
        errors);
  }

  private static final HttpHeader SOURCE_CACHE = RawHeader.create("X-Data-Source", "cache");
  private static final HttpHeader STALE = RawHeader.create("X-Data-Stale", "true");
  private static final HttpHeader NOT_STALE = RawHeader.create("X-Data-Stale", "false");

  private HttpResponse respond(Reply reply, long tookMillis) {
    if (reply instanceof Answer a) {
      long age = Math.max(0, clock.millis() - a.fetchedAtMillis());
      return HttpResponse.create()
          .withEntity(
              HttpEntities.create(
                  ContentTypes.APPLICATION_JSON, AnswerEncoder.encode(a, age, tookMillis)))
          .addHeaders(
              List.of(
                  a.cached() ? SOURCE_CACHE : RawHeader.create("X-Data-Source", a.source()),
                  a.stale() ? STALE : NOT_STALE,
                  RawHeader.create("Age", Long.toString(age / 1000))));
    }
    return problemOf(reply);
  }

  private static HttpResponse problemOf(Reply reply) {
    if (reply instanceof SymbolProtocol.NotFound) {
      return Problem.response(
          404,
          "unknown-symbol",
          "Not Found",
          "No provider knows " + reply.key().symbol(),
          reply.errors());
    }
    if (reply.providersAttempted().isEmpty()
        && reply.errors().stream().anyMatch(e -> e.provider().equals("gateway"))) {
      return Problem.response(
          503,
          "entity-unreachable",
          "Service Unavailable",
          "No answer for "
              + reply.key().symbol()
              + " within the request deadline and no stored value",
          reply.errors());
    }
    return Problem.response(
        503,
        "providers-unavailable",
        "Service Unavailable",
        "No provider could answer " + reply.key() + " and nothing is stored",
        reply.errors());
  }

  // ---- Batch of quotes ----

  private Route batch(HttpRequest request, String body) {
    List<String> requested;
    try {
      requested = symbolsOf(body);
    } catch (IllegalArgumentException | IOException e) {
      return complete(Problem.response(400, "invalid-batch", "Bad Request", e.getMessage()));
    }
    if (providers.planFor(Dataset.QUOTE).isEmpty()) return complete(noProvider(Dataset.QUOTE));
    long maxAge =
        CacheControl.maxAgeMillis(request.getHeader("Cache-Control").map(HttpHeader::value));
    return callers.data(
        request,
        Dataset.QUOTE,
        "batch of " + requested.size(),
        caller ->
            completeWithFuture(
                batch(requested, caller.profile().boundedMaxAge(maxAge), caller.origin())));
  }

  /** {@code {"symbols": ["AAPL", …]}}: 1 to {@value #MAX_BATCH} strings. */
  private static List<String> symbolsOf(String body) throws IOException {
    JsonNode json = Json.mapper().readTree(body);
    JsonNode symbols = json == null ? null : json.get("symbols");
    if (symbols == null || !symbols.isArray())
      throw new IllegalArgumentException("expected {\"symbols\": [\"AAPL\", ...]}");
    if (symbols.isEmpty()) throw new IllegalArgumentException("symbols is empty");
    if (symbols.size() > MAX_BATCH)
      throw new IllegalArgumentException(
          "at most " + MAX_BATCH + " symbols, got " + symbols.size());
    List<String> list = new ArrayList<>();
    for (JsonNode s : symbols) {
      if (!s.isTextual()) throw new IllegalArgumentException("symbols must be strings");
      list.add(s.asText());
    }
    return list;
  }

  private CompletionStage<HttpResponse> batch(
      List<String> requested, long maxAge, RequestOrigin origin) {
    long start = System.nanoTime();
    Map<String, Integer> seen = new LinkedHashMap<>();
    Map<String, HttpResponse> invalid = new LinkedHashMap<>();
    for (String raw : requested) {
      Optional<String> symbol = Symbols.normalise(raw);
      if (symbol.isPresent()) seen.merge(symbol.get(), 1, Integer::sum);
      else
        invalid.put(
            raw, Problem.response(400, "invalid-symbol", "Bad Request", invalidSymbol(raw)));
    }
    Map<FetchKey, Reply> known = new LinkedHashMap<>();
    List<FetchKey> toFetch = new ArrayList<>();
    for (String symbol : seen.keySet()) {
      FetchKey key = FetchKey.of(Dataset.QUOTE, symbol);
      Answer near = nearCache.get(key, maxAge);
      if (near != null) {
        metrics.cacheRequest(Dataset.QUOTE, Metrics.CacheResult.HIT);
        known.put(key, near);
      } else {
        toFetch.add(key);
      }
    }
    Duration budget = deadline.minus(fallbackReserve);
    return batchFetch
        .run(toFetch, maxAge, budget, origin)
        .thenCompose(
            fetched -> {
              List<CompletableFuture<Void>> settled = new ArrayList<>();
              for (FetchKey key : toFetch) {
                settled.add(
                    settle(key, fetched.get(key), start)
                        .toCompletableFuture()
                        .thenAccept(
                            r -> {
                              synchronized (known) {
                                known.put(key, r);
                              }
                            }));
              }
              return CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new));
            })
        .thenApply(
            done -> {
              long cached =
                  known.values().stream().filter(r -> r instanceof Answer a && a.cached()).count();
              long answered = known.values().stream().filter(r -> r instanceof Answer).count();
              metrics.batch(
                  seen.size() + invalid.size(), cached, seen.size() + invalid.size() - answered);
              return HttpResponse.create()
                  .withEntity(
                      HttpEntities.create(
                          ContentTypes.APPLICATION_JSON,
                          BatchEncoder.encode(
                              seen, known, invalid, clock.millis(), millisSince(start))));
            })
        .exceptionally(
            error ->
                Problem.response(
                    503,
                    "batch-failed",
                    "Service Unavailable",
                    "The batch could not be completed; try again"));
  }

  // ---- helpers ----

  private static HttpResponse noProvider(Dataset dataset) {
    return Problem.response(
        503,
        "dataset-unavailable",
        "Service Unavailable",
        "No provider serves "
            + dataset.wireName()
            + " on this node: configure one of its providers (see README, Providers)");
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  static String invalidSymbol(String raw) {
    return "A symbol is 1-"
        + Symbols.MAX_LENGTH
        + " characters of A-Z, 0-9, '.', '-', '=' (optionally after '^'); got "
        + printable(raw);
  }

  /** The rejected input, shortened and with control and non-ASCII characters escaped. */
  static String printable(String raw) {
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
