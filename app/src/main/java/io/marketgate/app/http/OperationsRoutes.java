package io.marketgate.app.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.marketgate.app.concurrent.Stages;
import io.marketgate.app.json.Json;
import io.marketgate.app.provider.ProviderActor;
import io.marketgate.app.provider.ProviderRegistry;
import io.marketgate.app.provider.ProviderStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Operations endpoints: this node's providers and circuit breakers. Breakers are per provider per
 * node, so these show and reset the breakers of the node that answers.
 */
public final class OperationsRoutes {
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(3);

  private final ActorSystem<?> system;
  private final ProviderRegistry providers;

  public OperationsRoutes(ActorSystem<?> system, ProviderRegistry providers) {
    this.system = system;
    this.providers = providers;
  }

  public Route route() {
    return pathPrefix(
        segment("api").slash("v1"),
        () ->
            CallerDirectives.operations(
                () ->
                    concat(
                        path("providers", () -> get(() -> completeWithFuture(providersJson()))),
                        path("circuit-breakers", () -> get(() -> completeWithFuture(breakersJson()))),
                        path(
                            segment("circuit-breakers").slash(segment()).slash("reset"),
                            name -> post(() -> completeWithFuture(reset(name)))))));
  }

  private CompletionStage<HttpResponse> providersJson() {
    return statuses().thenApply(list -> json(Map.of("providers", list)));
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

  private CompletionStage<HttpResponse> reset(String name) {
    return providers
        .provider(name)
        .map(
            p ->
                Stages.direct(
                        AskPattern.<ProviderActor.Command, ProviderStatus>ask(
                            p.ref(), ProviderActor.ResetBreaker::new, ASK_TIMEOUT, system.scheduler()))
                    .thenApply(s -> json(breakerView(s))))
        .orElseGet(
            () ->
                CompletableFuture.completedFuture(
                    Problem.response(404, "unknown-provider", "Not Found", "No provider named " + name + " runs here")));
  }

  private CompletionStage<List<ProviderStatus>> statuses() {
    List<CompletableFuture<ProviderStatus>> asks = new ArrayList<>();
    for (ProviderRegistry.Provider p : providers.all()) {
      asks.add(
          Stages.direct(
              AskPattern.<ProviderActor.Command, ProviderStatus>ask(
                  p.ref(), ProviderActor.GetStatus::new, ASK_TIMEOUT, system.scheduler())));
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(done -> asks.stream().map(CompletableFuture::join).toList());
  }

  private static Map<String, Object> breakerView(ProviderStatus s) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("provider", s.name());
    view.put("state", s.circuitState());
    view.put("failure_count", s.failureCount());
    view.put("reset_timeout_ms", s.resetTimeoutMs());
    view.put("calls_refused", s.callsRefusedByBreaker());
    return view;
  }

  private static HttpResponse json(Object value) {
    return HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, Json.encode(value)));
  }
}
