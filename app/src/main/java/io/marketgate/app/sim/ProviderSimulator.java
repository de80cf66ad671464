package io.marketgate.app.sim;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.marketgate.app.json.Json;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
  private final PolygonStreamSimulation polygonStream;
  private final IbkrStreamSimulation ibkrStream;
  private volatile IbkrSimulation ibkr;
  private volatile ServerBinding binding;

  private ProviderSimulator(Duration streamInterval) {
    this.polygonStream = new PolygonStreamSimulation(streamInterval);
    // The stream's conids are the contract search's.
    this.ibkrStream =
        new IbkrStreamSimulation(
            streamInterval,
            conid -> ibkr == null ? java.util.Optional.empty() : ibkr.symbolOf(conid));
  }

  /** Binds on {@code host:port} (0 picks a free port) and unbinds on coordinated shutdown. */
  public static CompletionStage<ProviderSimulator> start(
      ActorSystem<?> system, String host, int port) {
    // Events per subscribed stream channel: one every this long.
    String intervalPath = "marketgate.simulator.stream-interval";
    Duration interval =
        system.settings().config().hasPath(intervalPath)
            ? system.settings().config().getDuration(intervalPath)
            : Duration.ofMillis(100);
    ProviderSimulator sim = new ProviderSimulator(interval);
    Route route =
        concat(
            sim.controlRoute(),
            sim.polygonStream.route(system),
            sim.ibkrStream.route(system),
            sim.providerRoutes(system));
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

  /** Clears the call log and every fault, and the stream counters. */
  public void reset() {
    calls.clear();
    faults.clear();
    polygonStream.reset();
    ibkrStream.reset();
  }

  /** The IBKR gateway's WebSocket: its counters and its fault switch. */
  public IbkrStreams ibkrStreams() {
    return new IbkrStreams(ibkrStream);
  }

  /** The test- and operator-facing view of the IBKR stream simulation. */
  public static final class IbkrStreams {
    private final IbkrStreamSimulation sim;

    private IbkrStreams(IbkrStreamSimulation sim) {
      this.sim = sim;
    }

    public long connections() {
      return sim.connections();
    }

    public int open() {
      return sim.open();
    }

    public long authenticated() {
      return sim.authenticated();
    }

    public long historyRefused() {
      return sim.historyRefused();
    }

    /** {@code smd} or {@code smh} requests that named the symbol. */
    public long subscriptions(String channel, String symbol) {
      return sim.subscriptions(channel, symbol);
    }

    /** none, drop, stall, garbage, refuse_auth. */
    public void fault(String mode) {
      sim.setFault(PolygonStreamSimulation.StreamFault.valueOf(mode.toUpperCase(Locale.ROOT)));
    }

    /** The gateway's REST base, as IBKR_BASE_URL. */
    public String restUrl(String baseUrl) {
      return baseUrl + "/ibkr/v1/api";
    }
  }

  /** Polygon's stocks WebSocket: its counters and its fault switch. */
  public PolygonStreams polygonStreams() {
    return new PolygonStreams(polygonStream);
  }

  /** The test- and operator-facing view of the Polygon stream simulation. */
  public static final class PolygonStreams {
    private final PolygonStreamSimulation sim;

    private PolygonStreams(PolygonStreamSimulation sim) {
      this.sim = sim;
    }

    public long connections() {
      return sim.connections();
    }

    public int open() {
      return sim.open();
    }

    public long authAttempts() {
      return sim.authAttempts();
    }

    public long authenticated() {
      return sim.authenticated();
    }

    public long subscriptions(String channel) {
      return sim.subscriptions(channel);
    }

    public long connectionLimited() {
      return sim.connectionLimited();
    }

    public long unsubscriptions(String channel) {
      return sim.unsubscriptions(channel);
    }

    /** none, drop, stall, garbage, refuse_auth, max_connections. */
    public void fault(String mode) {
      sim.setFault(PolygonStreamSimulation.StreamFault.valueOf(mode.toUpperCase(Locale.ROOT)));
    }

    public String url(String baseUrl) {
      return baseUrl.replaceFirst("^http", "ws") + "/polygon-ws/stocks";
    }
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
        ibkrRoute(responder),
        new AlphaVantageSimulation(responder).route());
  }

  private Route ibkrRoute(Responder responder) {
    ibkr = new IbkrSimulation(responder);
    return ibkr.route();
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
                streamControl("polygon", polygonStream::view, polygonStreams()::fault),
                streamControl("ibkr", ibkrStream::view, ibkrStreams()::fault),
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

  /** {@code /_sim/streams/<provider>}: GET its counters, PUT {@code {"mode":…}} its fault. */
  private static Route streamControl(
      String provider,
      java.util.function.Supplier<Map<String, Object>> view,
      java.util.function.Consumer<String> setFault) {
    return path(
        segment("streams").slash(provider),
        () ->
            concat(
                get(() -> json(view.get())),
                put(
                    () ->
                        entity(
                            Unmarshaller.entityToString(),
                            body -> {
                              try {
                                setFault.accept(
                                    Json.mapper().readTree(body).path("mode").asText(""));
                                return json(view.get());
                              } catch (Exception e) {
                                return complete(
                                    StatusCodes.BAD_REQUEST,
                                    "bad stream fault (mode one of "
                                        + PolygonStreamSimulation.faultNames()
                                        + ")");
                              }
                            }))));
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
