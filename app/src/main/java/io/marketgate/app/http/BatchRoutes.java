package io.marketgate.app.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.json.Json;
import io.marketgate.app.logging.OccasionalLog;
import io.marketgate.app.metrics.Metrics;
import io.marketgate.app.symbol.DataProblem;
import io.marketgate.app.symbol.DataResult;
import io.marketgate.app.symbol.Deadline;
import io.marketgate.app.symbol.SymbolGateway;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.RequestOrigin;
import io.marketgate.protocol.Symbols;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/quotes/batch} with {@code {"symbols": [1–100 strings]}}: the body is read by
 * a Jackson unmarshaller and checked (400 {@code invalid-batch}); each distinct symbol is then
 * answered as a single quote would be, an invalid one with its own {@code invalid-symbol} result.
 */
public final class BatchRoutes {
  public static final int MAX_BATCH = 100;
  private static final long MAX_BATCH_BODY = 16 * 1024;
  private static final OccasionalLog BATCH_FAILED =
      new OccasionalLog(LoggerFactory.getLogger(BatchRoutes.class), Duration.ofSeconds(10));

  static final List<ApiOperation> OPERATIONS = List.of(ApiOperation.post("/api/v1/quotes/batch"));

  private final SymbolGateway gateway;
  private final CallerDirectives callers;
  private final Metrics metrics;
  private final Duration requestDeadline;
  private final Clock clock;

  public BatchRoutes(
      SymbolGateway gateway,
      CallerDirectives callers,
      Metrics metrics,
      Duration requestDeadline,
      Clock clock) {
    this.gateway = gateway;
    this.callers = callers;
    this.metrics = metrics;
    this.requestDeadline = requestDeadline;
    this.clock = clock;
  }

  public Route route() {
    return path(
        segment("api").slash("v1").slash("quotes").slash("batch"),
        () ->
            post(
                () ->
                    withSizeLimit(
                        MAX_BATCH_BODY,
                        () ->
                            handleRejections(
                                malformedBody(),
                                () ->
                                    extractRequest(
                                        request ->
                                            entity(
                                                Jackson.unmarshaller(Json.mapper(), JsonNode.class),
                                                body -> batch(request, body)))))));
  }

  /** A body that is not JSON is an invalid batch, as is one of the wrong shape. */
  private static RejectionHandler malformedBody() {
    return RejectionHandler.newBuilder()
        .handle(
            MalformedRequestContentRejection.class,
            r ->
                complete(
                    Problem.response(
                        400,
                        "invalid-batch",
                        "Bad Request",
                        "the body is not JSON: " + r.message())))
        .build();
  }

  private Route batch(HttpRequest request, JsonNode body) {
    List<String> requested;
    try {
      requested = symbolsOf(body);
    } catch (IllegalArgumentException e) {
      return complete(Problem.response(400, "invalid-batch", "Bad Request", e.getMessage()));
    }
    if (!gateway.serves(Dataset.QUOTE))
      return complete(DataRoutes.problem(DataProblem.noProvider(Dataset.QUOTE)));
    Deadline deadline = Deadline.after(requestDeadline);
    long start = System.nanoTime();
    long maxAge =
        CacheControl.maxAgeMillis(request.getHeader("Cache-Control").map(HttpHeader::value));
    return callers.data(
        request,
        Dataset.QUOTE,
        "batch of " + requested.size(),
        caller ->
            completeWithFuture(
                answer(
                    requested,
                    caller.profile().boundedMaxAge(maxAge),
                    caller.origin(),
                    deadline,
                    start)));
  }

  /** {@code {"symbols": ["AAPL", …]}}: 1 to {@value #MAX_BATCH} strings. */
  private static List<String> symbolsOf(JsonNode json) {
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

  private CompletionStage<HttpResponse> answer(
      List<String> requested,
      long maxAge,
      RequestOrigin origin,
      Deadline deadline,
      long startNanos) {
    Map<String, Integer> seen = new LinkedHashMap<>();
    Map<String, HttpResponse> invalid = new LinkedHashMap<>();
    for (String raw : requested) {
      Optional<String> symbol = Symbols.normalise(raw);
      if (symbol.isPresent()) seen.merge(symbol.get(), 1, Integer::sum);
      else
        invalid.put(
            raw,
            Problem.response(400, "invalid-symbol", "Bad Request", DataRoutes.invalidSymbol(raw)));
    }
    List<FetchKey> keys = seen.keySet().stream().map(s -> FetchKey.of(Dataset.QUOTE, s)).toList();
    return gateway
        .batch(keys, maxAge, origin, deadline)
        .thenApply(results -> respond(seen, invalid, results, startNanos))
        .exceptionally(
            error -> {
              BATCH_FAILED.warn("A batch of {} symbols could not run: {}", keys.size(), error);
              return DataRoutes.problem(DataProblem.batchFailed());
            });
  }

  private HttpResponse respond(
      Map<String, Integer> seen,
      Map<String, HttpResponse> invalid,
      Map<FetchKey, DataResult> results,
      long startNanos) {
    long cached =
        results.values().stream()
            .filter(r -> r instanceof DataResult.Served s && s.answer().cached())
            .count();
    long answered = results.values().stream().filter(r -> r instanceof DataResult.Served).count();
    int total = seen.size() + invalid.size();
    metrics.batch(total, cached, total - answered);
    return HttpResponse.create()
        .withEntity(
            HttpEntities.create(
                ContentTypes.APPLICATION_JSON,
                BatchEncoder.encode(
                    seen, results, invalid, clock.millis(), DataRoutes.millisSince(startNanos))));
  }
}
