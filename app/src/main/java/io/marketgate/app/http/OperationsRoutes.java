package io.marketgate.app.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.core.type.TypeReference;
import io.marketgate.app.caller.Caller;
import io.marketgate.app.concurrent.Stages;
import io.marketgate.app.json.Json;
import io.marketgate.app.metrics.NodeCounters;
import io.marketgate.app.provider.ProviderActor;
import io.marketgate.app.provider.ProviderRegistry;
import io.marketgate.app.provider.ProviderStatus;
import io.marketgate.persistence.audit.AuditEvent;
import io.marketgate.persistence.audit.AuditLog;
import io.marketgate.persistence.audit.AuditQuery;
import io.marketgate.persistence.dlq.DlqEntry;
import io.marketgate.persistence.dlq.ShardedDeadLetterQueue;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Operations endpoints: this node's providers and circuit breakers (breakers are per provider per
 * node, so these show and reset the breakers of the node that answers), the cluster's dead-letter
 * queue and the audit trail.
 */
public final class OperationsRoutes {
  private static final TypeReference<Map<String, Object>> STATUS_FIELDS = new TypeReference<>() {};
  private static final Pattern ENTRY_ID = Pattern.compile("[0-9a-f]{20}");
  private static final int DEFAULT_PAGE_SIZE = 50;

  private final ActorSystem<?> system;
  private final ProviderRegistry providers;
  private final ShardedDeadLetterQueue deadLetters;
  private final AuditLog audit;
  private final NodeCounters counters;
  private final CallerDirectives callers;
  private final Duration askTimeout;

  /**
   * @param askTimeout how long each provider actor has to report its status
   */
  public OperationsRoutes(
      ActorSystem<?> system,
      ProviderRegistry providers,
      ShardedDeadLetterQueue deadLetters,
      AuditLog audit,
      NodeCounters counters,
      CallerDirectives callers,
      Duration askTimeout) {
    this.callers = callers;
    this.askTimeout = askTimeout;
    this.system = system;
    this.providers = providers;
    this.deadLetters = deadLetters;
    this.audit = audit;
    this.counters = counters;
  }

  /** The operations {@link #route} serves. */
  static final List<ApiOperation> OPERATIONS =
      List.of(
          ApiOperation.get("/api/v1/providers"),
          ApiOperation.get("/api/v1/circuit-breakers"),
          ApiOperation.post("/api/v1/circuit-breakers/{provider}/reset"),
          ApiOperation.get("/api/v1/dlq"),
          ApiOperation.post("/api/v1/dlq/{id}/replay"),
          ApiOperation.get("/api/v1/audit"),
          ApiOperation.get("/api/v1/telemetry"),
          ApiOperation.get("/api/v1/api-keys"));

  /**
   * Paths and methods are matched first (404, 405), then the caller must be an admin (401, 403).
   */
  public Route route() {
    return pathPrefix(
        segment("api").slash("v1"),
        () ->
            concat(
                path(
                    "providers",
                    () -> get(() -> admin(caller -> completeWithFuture(providersJson())))),
                path(
                    "circuit-breakers",
                    () -> get(() -> admin(caller -> completeWithFuture(breakersJson())))),
                path(
                    segment("circuit-breakers").slash(segment()).slash("reset"),
                    name -> post(() -> admin(caller -> completeWithFuture(reset(name, caller))))),
                path(
                    "dlq",
                    () -> get(() -> admin(caller -> parameterMap(params -> dlqList(params))))),
                path(
                    segment("dlq").slash(segment()).slash("replay"),
                    id -> post(() -> admin(caller -> replay(id, caller)))),
                path(
                    "audit",
                    () -> get(() -> admin(caller -> parameterMap(params -> auditSearch(params))))),
                path(
                    "telemetry",
                    () -> get(() -> admin(caller -> completeWithFuture(telemetryJson())))),
                path(
                    "api-keys",
                    () -> get(() -> admin(caller -> completeWithFuture(apiKeysJson()))))));
  }

  private Route admin(java.util.function.Function<Caller, Route> inner) {
    return callers.operations(inner);
  }

  private Route dlqList(Map<String, String> params) {
    String status = params.getOrDefault("status", DlqEntry.PENDING);
    if (!status.equals(DlqEntry.PENDING) && !status.equals(DlqEntry.FAILED)) {
      return complete(
          Problem.response(
              400, "bad-parameter", "Bad Request", "status must be pending or failed"));
    }
    int[] paging = paging(params);
    if (paging == null) return complete(badPaging());
    return completeWithFuture(
        deadLetters
            .list(status, paging[0], paging[1])
            .thenApply(
                page -> {
                  Map<String, Object> body = new LinkedHashMap<>();
                  body.put("status", status);
                  body.put("page", paging[0]);
                  body.put("size", paging[1]);
                  body.put("total", page.total());
                  body.put("entries", page.entries());
                  return json(body);
                })
            .exceptionally(e -> databaseUnavailable()));
  }

  private Route replay(String id, Caller caller) {
    if (!ENTRY_ID.matcher(id).matches()) {
      return complete(
          Problem.response(
              400,
              "bad-parameter",
              "Bad Request",
              "a dead-letter id is 20 hexadecimal characters"));
    }
    return completeWithFuture(
        deadLetters
            .replay(id, caller.origin())
            .thenApply(
                result ->
                    switch (result) {
                      case REPLAYED ->
                          json(StatusCodes.ACCEPTED, Map.of("id", id, "status", DlqEntry.PENDING));
                      case STILL_PENDING ->
                          Problem.response(
                              409,
                              "dlq-pending",
                              "Conflict",
                              "Entry "
                                  + id
                                  + " is pending: it is being retried and cannot be replayed");
                      case UNKNOWN ->
                          Problem.response(
                              404, "dlq-unknown", "Not Found", "No failed dead-letter entry " + id);
                    })
            .exceptionally(
                e ->
                    Problem.response(
                        503,
                        "dlq-unavailable",
                        "Service Unavailable",
                        "The dead-letter queue did not answer; try again")));
  }

  private Route auditSearch(Map<String, String> params) {
    int[] paging = paging(params);
    if (paging == null) return complete(badPaging());
    AuditQuery query;
    try {
      query =
          new AuditQuery(
              instant(params.get("from")),
              instant(params.get("to")),
              params.get("action"),
              params.get("provider"),
              params.get("client"),
              params.containsKey("allowed") ? Boolean.valueOf(params.get("allowed")) : null,
              paging[0],
              paging[1]);
    } catch (DateTimeParseException e) {
      return complete(
          Problem.response(
              400,
              "bad-parameter",
              "Bad Request",
              "from and to are ISO-8601 instants, e.g. 2026-11-22T10:00:00Z"));
    }
    return completeWithFuture(
        audit
            .search(query)
            .thenApply(
                page -> {
                  Map<String, Object> body = new LinkedHashMap<>();
                  body.put("page", paging[0]);
                  body.put("size", paging[1]);
                  body.put("total", page.total());
                  body.put("events", page.events());
                  return json(body);
                })
            .exceptionally(e -> databaseUnavailable()));
  }

  /** page and size from the query, or null when they are not sensible numbers. */
  private static int[] paging(Map<String, String> params) {
    try {
      int page = Integer.parseInt(params.getOrDefault("page", "0"));
      int size = Integer.parseInt(params.getOrDefault("size", Integer.toString(DEFAULT_PAGE_SIZE)));
      if (page < 0 || size < 1 || size > AuditQuery.MAX_SIZE) return null;
      return new int[] {page, size};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static HttpResponse badPaging() {
    return Problem.response(
        400, "bad-parameter", "Bad Request", "page is 0 or more, size 1.." + AuditQuery.MAX_SIZE);
  }

  private static HttpResponse databaseUnavailable() {
    return Problem.response(
        503,
        "database-unavailable",
        "Service Unavailable",
        "The database did not answer; try again");
  }

  private static Instant instant(String value) {
    return value == null ? null : Instant.parse(value);
  }

  /**
   * Every provider this node knows: the running ones with their status, then those it does not use.
   */
  private CompletionStage<HttpResponse> providersJson() {
    return statuses()
        .thenApply(
            list -> {
              List<Map<String, Object>> all = new ArrayList<>();
              for (ProviderStatus s : list) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("name", s.name());
                p.put("enabled", true);
                p.putAll(Json.mapper().convertValue(s, STATUS_FIELDS));
                all.add(p);
              }
              for (String name : providers.unused()) {
                all.add(Map.of("name", name, "enabled", false));
              }
              return json(Map.of("providers", all));
            });
  }

  /** Each provider's keys on this node: masked, with state and use. */
  private CompletionStage<HttpResponse> apiKeysJson() {
    return statuses()
        .thenApply(
            list -> {
              List<Map<String, Object>> providers = new ArrayList<>();
              for (ProviderStatus s : list) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("provider", s.name());
                p.put("simulated", s.simulated());
                p.put("keys", s.keys());
                providers.add(p);
              }
              return json(Map.of("providers", providers));
            });
  }

  /** This node's counts since it started: cache, providers, circuit-open events and batches. */
  private CompletionStage<HttpResponse> telemetryJson() {
    return statuses()
        .thenApply(
            list -> {
              Map<String, Object> byProvider = new LinkedHashMap<>();
              long openEvents = 0;
              for (ProviderStatus s : list) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("attempts", s.attempts());
                p.put("successes", s.successes());
                p.put("failures", s.failures());
                p.put("plan_refusals", s.planRefusals());
                p.put("refused_by_breaker", s.callsRefusedByBreaker());
                p.put("refused_by_quota", s.callsRefusedByQuota());
                p.put("refused_for_keys", s.callsRefusedForKeys());
                p.put("circuit_open_events", s.circuitOpenEvents());
                byProvider.put(s.name(), p);
                openEvents += s.circuitOpenEvents();
              }
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("node", system.address().toString());
              body.put("since", counters.since().toString());
              body.put("cache", counters.cacheView());
              body.put("providers", byProvider);
              body.put("circuit_open_events", openEvents);
              body.put("batches", counters.batchView());
              return json(body);
            });
  }

  private CompletionStage<HttpResponse> breakersJson() {
    return statuses()
        .thenApply(
            list -> {
              List<Map<String, Object>> breakers = new ArrayList<>();
              for (ProviderStatus s : list) breakers.add(breakerView(s));
              return json(Map.of("circuit_breakers", breakers));
            });
  }

  private CompletionStage<HttpResponse> reset(String name, Caller caller) {
    return providers
        .provider(name)
        .map(
            p ->
                Stages.direct(
                        AskPattern.<ProviderActor.Command, ProviderStatus>ask(
                            p.ref(),
                            ProviderActor.ResetBreaker::new,
                            askTimeout,
                            system.scheduler()))
                    .thenApply(
                        s -> {
                          audit.record(
                              AuditEvent.operation(
                                  AuditEvent.BREAKER_RESET,
                                  name,
                                  caller.clientId(),
                                  caller.profile().name(),
                                  true));
                          return json(breakerView(s));
                        }))
        .orElseGet(
            () ->
                CompletableFuture.completedFuture(
                    Problem.response(
                        404,
                        "unknown-provider",
                        "Not Found",
                        "No provider named " + name + " runs here")));
  }

  private CompletionStage<List<ProviderStatus>> statuses() {
    List<CompletableFuture<ProviderStatus>> asks = new ArrayList<>();
    for (ProviderRegistry.Provider p : providers.all()) {
      asks.add(
          Stages.direct(
              AskPattern.<ProviderActor.Command, ProviderStatus>ask(
                  p.ref(), ProviderActor.GetStatus::new, askTimeout, system.scheduler())));
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(done -> asks.stream().map(CompletableFuture::join).toList());
  }

  private static Map<String, Object> breakerView(ProviderStatus s) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("provider", s.name());
    view.put("state", s.circuitState());
    view.put("not_closed_ms", s.notClosedMs());
    view.put("failure_count", s.failureCount());
    view.put("reset_timeout_ms", s.resetTimeoutMs());
    view.put("calls_refused", s.callsRefusedByBreaker());
    return view;
  }

  static HttpResponse json(Object value) {
    return json(StatusCodes.OK, value);
  }

  private static HttpResponse json(
      org.apache.pekko.http.javadsl.model.StatusCode status, Object value) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, Json.encode(value)));
  }
}
