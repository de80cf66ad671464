package io.marketgate.app.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.marketgate.app.symbol.DataProblem;
import io.marketgate.app.symbol.DataResult;
import io.marketgate.app.symbol.Deadline;
import io.marketgate.app.symbol.SymbolGateway;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.SearchQueries;
import io.marketgate.protocol.SeriesIds;
import io.marketgate.protocol.SymbolProtocol.Answer;
import io.marketgate.protocol.Symbols;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The data endpoints as HTTP: each path and its parameters become a {@link FetchKey} (400 for bad
 * input, before anything else runs), the caller is let through ({@link CallerDirectives}), and what
 * {@link SymbolGateway} answers becomes the response. The request's deadline starts when it
 * arrives, so a wait for its client's permits counts against it.
 */
public final class DataRoutes {
  private static final Set<String> STATEMENTS = Set.of("income", "balance", "cash_flow");
  private static final Set<String> PERIODS = Set.of("annual", "quarterly");
  private static final HttpHeader SOURCE_CACHE = RawHeader.create("X-Data-Source", "cache");
  private static final HttpHeader STALE = RawHeader.create("X-Data-Stale", "true");
  private static final HttpHeader NOT_STALE = RawHeader.create("X-Data-Stale", "false");

  /** A request's key, or the 400 answer that replaces it. */
  private record Parsed(FetchKey key, HttpResponse invalid) {
    static Parsed of(FetchKey key) {
      return new Parsed(key, null);
    }

    static Parsed bad(String type, String detail) {
      return new Parsed(null, Problem.response(400, type, "Bad Request", detail));
    }
  }

  /** The operations {@link #route} serves. */
  static final List<ApiOperation> OPERATIONS =
      List.of(
          ApiOperation.get("/api/v1/quotes/{symbol}"),
          ApiOperation.get("/api/v1/fundamentals/{symbol}"),
          ApiOperation.get("/api/v1/company/{symbol}"),
          ApiOperation.get("/api/v1/earnings/{symbol}"),
          ApiOperation.get("/api/v1/options-flow/{symbol}"),
          ApiOperation.get("/api/v1/economic/{series_id}"),
          ApiOperation.get("/api/v1/news/{symbol}"),
          ApiOperation.get("/api/v1/search"));

  private final SymbolGateway gateway;
  private final CallerDirectives callers;
  private final Duration requestDeadline;
  private final Clock clock;

  public DataRoutes(
      SymbolGateway gateway, CallerDirectives callers, Duration requestDeadline, Clock clock) {
    this.gateway = gateway;
    this.callers = callers;
    this.requestDeadline = requestDeadline;
    this.clock = clock;
  }

  /** The routing table, built once (the Java DSL calls each route supplier per request). */
  public Route route() {
    Route data =
        concat(
            pathPrefix("quotes", () -> keyed((raw, request) -> symbolKey(Dataset.QUOTE, raw))),
            pathPrefix("fundamentals", () -> keyed(DataRoutes::fundamentalsKey)),
            pathPrefix("company", () -> keyed((raw, request) -> symbolKey(Dataset.COMPANY, raw))),
            pathPrefix("earnings", () -> keyed((raw, request) -> symbolKey(Dataset.EARNINGS, raw))),
            pathPrefix(
                "options-flow",
                () -> keyed((raw, request) -> symbolKey(Dataset.OPTIONS_FLOW, raw))),
            pathPrefix("economic", () -> keyed((raw, request) -> seriesKey(raw))),
            pathPrefix("news", () -> keyed((raw, request) -> symbolKey(Dataset.NEWS, raw))),
            path(
                "search",
                () -> get(() -> extractRequest(request -> serve(searchKey(request), request)))));
    return pathPrefix(segment("api").slash("v1"), () -> data);
  }

  /**
   * GET with the key read from the one path segment that follows; "/quotes" without a slash is no
   * resource (404), "/quotes/" an empty symbol and "/quotes/A/B" not one (400).
   */
  private Route keyed(BiFunction<String, HttpRequest, Parsed> parse) {
    // The first alternative is the hit path: a few matchers and one request extraction.
    return get(
        () ->
            concat(
                pathPrefix(
                    segment(),
                    raw ->
                        pathEnd(
                            () ->
                                extractRequest(
                                    request -> serve(parse.apply(raw, request), request)))),
                pathPrefix(
                    segment(),
                    raw ->
                        extractRequest(
                            request ->
                                complete(
                                    Parsed.bad(
                                            "invalid-symbol",
                                            "expected one path segment after "
                                                + request.getUri().path())
                                        .invalid()))),
                pathSingleSlash(
                    () -> extractRequest(request -> serve(parse.apply("", request), request)))));
  }

  private Route serve(Parsed parsed, HttpRequest request) {
    if (parsed.invalid() != null) return complete(parsed.invalid());
    FetchKey key = parsed.key();
    if (!gateway.serves(key.dataset()))
      return complete(problem(DataProblem.noProvider(key.dataset())));
    long start = System.nanoTime();
    Deadline deadline = Deadline.after(requestDeadline);
    long maxAge =
        CacheControl.maxAgeMillis(request.getHeader("Cache-Control").map(HttpHeader::value));
    return callers.data(
        request,
        key.dataset(),
        key.toString(),
        caller -> {
          long bounded = caller.profile().boundedMaxAge(maxAge);
          Answer hit = gateway.hit(key, bounded);
          if (hit != null) return complete(respond(hit, false, millisSince(start)));
          return completeWithFuture(
              gateway
                  .get(key, bounded, caller.origin(), deadline)
                  .thenApply(r -> respond(r, millisSince(start))));
        });
  }

  private HttpResponse respond(DataResult result, long tookMillis) {
    if (result instanceof DataResult.Refused refused) return problem(refused.problem());
    DataResult.Served served = (DataResult.Served) result;
    return respond(served.answer(), served.direct(), tookMillis);
  }

  private HttpResponse respond(Answer a, boolean direct, long tookMillis) {
    long age = Math.max(0, clock.millis() - a.fetchedAtMillis());
    return HttpResponse.create()
        .withEntity(
            HttpEntities.create(
                ContentTypes.APPLICATION_JSON, AnswerEncoder.encode(a, age, tookMillis, direct)))
        .addHeaders(
            List.of(
                a.cached() ? SOURCE_CACHE : RawHeader.create("X-Data-Source", a.source()),
                a.stale() ? STALE : NOT_STALE,
                RawHeader.create("Age", Long.toString(age / 1000))));
  }

  static HttpResponse problem(DataProblem p) {
    return Problem.response(p.status(), p.type(), p.title(), p.detail(), p.errors());
  }

  static Parsed symbolKey(Dataset dataset, String raw) {
    return Symbols.normalise(raw)
        .map(s -> Parsed.of(FetchKey.of(dataset, s)))
        .orElseGet(() -> Parsed.bad("invalid-symbol", invalidSymbol(raw)));
  }

  private static Parsed fundamentalsKey(String raw, HttpRequest request) {
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

  static long millisSince(long startNanos) {
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
