package io.marketgate.app.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;

/** Binds a route, answers errors as problem+json and unbinds on coordinated shutdown. */
public final class HttpServer {
  private HttpServer() {}

  public static CompletionStage<InetSocketAddress> start(
      ActorSystem<?> system, String name, String host, int port, Route route) {
    // The Java DSL calls these suppliers on every request: they return objects built once.
    ExceptionHandler exceptions = ErrorHandling.exceptions();
    RejectionHandler rejections = ErrorHandling.rejections();
    Route withRejections = handleRejections(rejections, () -> route);
    Route handled = handleExceptions(exceptions, () -> withRejections);
    return Http.get(system)
        .newServerAt(host, port)
        .bind(handled)
        .thenApply(
            binding -> {
              InetSocketAddress address = binding.localAddress();
              system
                  .log()
                  .info(
                      "{} listening on http://{}:{}/",
                      name,
                      address.getHostString(),
                      address.getPort());
              CoordinatedShutdown.get(system)
                  .addTask(
                      CoordinatedShutdown.PhaseServiceUnbind(),
                      "unbind-" + name,
                      () -> binding.unbind().thenApply(done -> Done.getInstance()));
              CoordinatedShutdown.get(system)
                  .addTask(
                      CoordinatedShutdown.PhaseServiceRequestsDone(),
                      "drain-" + name,
                      () -> terminate(binding));
              return address;
            });
  }

  private static CompletionStage<Done> terminate(ServerBinding binding) {
    return binding.terminate(Duration.ofSeconds(5)).thenApply(done -> Done.getInstance());
  }
}
