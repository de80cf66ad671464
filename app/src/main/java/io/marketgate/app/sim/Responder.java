package io.marketgate.app.sim;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/** Answers one simulated call: logs it, applies the provider's current fault, and delays it. */
final class Responder {
  private final CallLog log;
  private final FaultSwitches faults;
  private final Executor executor;

  Responder(CallLog log, FaultSwitches faults, Executor executor) {
    this.log = log;
    this.faults = faults;
    this.executor = executor;
  }

  /**
   * @param normal builds the normal answer; given {@code true} it builds one whose price is not
   *     positive (the invalid_price fault)
   */
  Route respond(
      String provider,
      String endpoint,
      String symbol,
      ProviderFormat format,
      Function<Boolean, SimResponse> normal) {
    return extractRequest(
        request -> {
          long id = log.started(provider, endpoint, symbol, CallerTag.of(request));
          Fault fault = faults.of(provider).next();
          long delay = fault.latencyMs() + (fault.mode() == Fault.Mode.HANG ? fault.hangMs() : 0);
          CompletionStage<SimResponse> answer =
              delay == 0
                  ? CompletableFuture.completedFuture(build(fault, format, normal))
                  : CompletableFuture.supplyAsync(
                      () -> build(fault, format, normal),
                      CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, executor));
          return completeWithFuture(
              answer.thenApply(
                  r -> {
                    log.ended(id, r.status());
                    return HttpResponse.create()
                        .withStatus(StatusCodes.get(r.status()))
                        .withEntity(HttpEntities.create(contentType(r.kind()), r.body()));
                  }));
        });
  }

  private static ContentType contentType(SimResponse.Kind kind) {
    return switch (kind) {
      case JSON -> ContentTypes.APPLICATION_JSON;
      case HTML -> ContentTypes.TEXT_HTML_UTF8;
      case TEXT -> ContentTypes.TEXT_PLAIN_UTF8;
    };
  }

  private static SimResponse build(
      Fault fault, ProviderFormat format, Function<Boolean, SimResponse> normal) {
    return switch (fault.mode()) {
      case NONE -> normal.apply(false);
      case RATE_LIMIT -> format.rateLimited();
      case DAILY_LIMIT -> format.dailyLimited();
      case UNAVAILABLE -> SimResponse.html(503, "Service Unavailable");
      case HANG -> SimResponse.html(504, "Gateway Timeout");
      case MALFORMED -> normal.apply(false).truncated();
      case ERROR_BODY -> format.errorWithStatus200();
      case HTML -> SimResponse.html(200, "Maintenance");
      case INVALID_PRICE -> normal.apply(true);
      case NOT_ENTITLED -> format.notEntitled();
      case BAD_KEY -> format.unauthorized();
    };
  }
}
