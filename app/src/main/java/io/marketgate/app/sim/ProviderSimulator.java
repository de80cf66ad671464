package io.marketgate.app.sim;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.marketgate.app.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The built-in provider simulator: an HTTP server that speaks the providers' real wire formats
 * (same paths, same JSON), counts every call, and plays faults switched at runtime, either through
 * {@link #setFault} or over HTTP under {@code /_sim} (see docs/SIMULATOR.md).
 */
public final class ProviderSimulator {
  /** Providers the simulator serves, as named in configuration. */
  public static final Set<String> PROVIDERS =
      Set.of(
          FmpSimulation.NAME,
          PolygonSimulation.NAME,
          FredSimulation.NAME,
          NewsApiSimulation.NAME,
          TiingoSimulation.NAME,
          IbkrSimulation.NAME,
          AlphaVantageSimulation.NAME);

  private final CallLog calls = new CallLog();
  private final FaultSwitches faults = new FaultSwitches();
  private volatile ServerBinding binding;

  private ProviderSimulator() {}

  /** Binds on {@code host:port} (0 picks a free port) and unbinds on coordinated shutdown. */
  public static CompletionStage<ProviderSimulator> start(
      ActorSystem<?> system, String host, int port) {
    ProviderSimulator sim = new ProviderSimulator();
    Route route = concat(sim.controlRoute(), sim.providerRoutes(system));
    return Http.get(system)
        .newServerAt(host, port)
        .bind(withoutRequestTimeout(() -> route))
        .thenApply(
            binding -> {
              sim.binding = binding;
              CoordinatedShutdown.get(system)
                  .addTask(
                      CoordinatedShutdown.PhaseServiceUnbind(),
                      "unbind-simulator",
                      () -> binding.unbind().thenApply(d -> Done.getInstance()));
              system.log().info("Provider simulator listening on {}", sim.baseUrl());
              return sim;
            });
  }

  public String baseUrl() {
    var address = binding.localAddress();
    return "http://" + address.getHostString() + ":" + address.getPort();
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  public CallLog calls() {
    return calls;
  }

  public void setFault(String provider, Fault fault) {
    faults.of(provider).set(fault);
  }

  /** Clears the call log and every fault. */
  public void reset() {
    calls.clear();
    faults.clear();
  }

  public CompletionStage<Done> stop() {
    return binding.unbind();
  }

  private Route providerRoutes(ActorSystem<?> system) {
    Responder responder = new Responder(calls, faults, system.executionContext());
    return concat(
        new FmpSimulation(responder).route(),
        new PolygonSimulation(responder).route(),
        new FredSimulation(responder).route(),
        new NewsApiSimulation(responder).route(),
        new TiingoSimulation(responder).route(),
        new IbkrSimulation(responder).route(),
        new AlphaVantageSimulation(responder).route());
  }

  private Route controlRoute() {
    return pathPrefix(
        "_sim",
        () ->
            concat(
                path("calls", () -> get(() -> json(callCounts()))),
                path(
                    segment("calls").slash("log"),
                    () -> get(() -> json(Map.of("calls", calls.calls())))),
                path(
                    "reset",
                    () ->
                        post(
                            () -> {
                              reset();
                              return json(Map.of("reset", true));
                            })),
                path("faults", () -> get(() -> json(faults.current()))),
                path(
                    segment("faults").slash(segment()),
                    provider ->
                        concat(
                            put(
                                () ->
                                    entity(
                                        Unmarshaller.entityToString(),
                                        body -> setFaultFromJson(provider, body))),
                            delete(
                                () -> {
                                  faults.of(provider).set(Fault.NONE);
                                  return json(faults.current());
                                })))));
  }

  private Route setFaultFromJson(String provider, String body) {
    if (!PROVIDERS.contains(provider)) {
      return complete(StatusCodes.NOT_FOUND, "unknown provider " + provider);
    }
    try {
      faults.of(provider).set(Json.mapper().readValue(body, Fault.class));
      return json(faults.current());
    } catch (Exception e) {
      return complete(StatusCodes.BAD_REQUEST, "bad fault: " + e.getMessage());
    }
  }

  private Map<String, Object> callCounts() {
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("total", calls.total());
    counts.put("providers", calls.perProvider());
    counts.put("endpoints", calls.perEndpoint());
    return counts;
  }

  private static Route json(Object value) {
    return complete(
        HttpResponse.create()
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, Json.encode(value))));
  }

  /** The recorded calls of one provider, oldest first. */
  public List<CallLog.Call> callsOf(String provider) {
    return calls.calls().stream().filter(c -> c.provider().equals(provider)).toList();
  }
}
