package io.marketgate.app.provider;

import io.marketgate.app.concurrent.Stages;
import io.marketgate.app.config.ProviderHttpSettings;
import io.marketgate.app.config.ProviderSettings;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.Materializer;

/**
 * One provider's HTTP client: a Pekko HTTP host connection pool sized for a herd, with silent
 * retries off (Pekko's pool would re-send idempotent GETs; every call is one counted attempt) and a
 * hard per-call timeout. HTTPS uses the JVM's trust unless the provider trusts a self-signed
 * loopback gateway ({@link LoopbackTrust}).
 */
public final class ProviderHttpClient {

  /** A provider's answer, read completely. */
  public record RawResponse(int status, byte[] body) {}

  private final Http http;
  private final HttpsConnectionContext https;
  private final ConnectionPoolSettings pool;
  private final Materializer materializer;
  private final LoggingAdapter log;
  private final long maxResponseBytes;

  public ProviderHttpClient(
      ActorSystem<?> system, ProviderHttpSettings settings, ProviderSettings provider) {
    this.http = Http.get(system);
    this.https =
        provider.adapter().trustSelfSigned()
            ? LoopbackTrust.httpsContext()
            : http.defaultClientHttpsContext();
    Duration providerTimeout = provider.timeout();
    // A connection whose request hangs is closed once it has been silent this long, freeing the
    // pool slot; the attempt itself has long since failed with TIMEOUT.
    Duration idle = max(providerTimeout.multipliedBy(2), Duration.ofSeconds(3));
    this.pool =
        ConnectionPoolSettings.create(system.classicSystem())
            .withMaxRetries(0)
            .withMaxConnections(settings.maxConnections())
            .withMaxOpenRequests(settings.maxOpenRequests())
            .withKeepAliveTimeout(settings.keepAliveTimeout())
            .withConnectionSettings(
                ClientConnectionSettings.create(system.classicSystem())
                    .withIdleTimeout(idle)
                    .withConnectingTimeout(providerTimeout));
    this.materializer = Materializer.matFromSystem(system);
    this.log = Logging.getLogger(system.classicSystem(), ProviderHttpClient.class);
    this.maxResponseBytes = settings.maxResponseBytes();
  }

  /**
   * GETs {@code url}; fails with a {@link java.util.concurrent.TimeoutException} after {@code
   * timeout}.
   */
  public CompletionStage<RawResponse> get(
      String url, Map<String, String> headers, Duration timeout) {
    HttpRequest request = HttpRequest.GET(url);
    for (var h : headers.entrySet()) {
      request = request.addHeader(HttpHeader.parse(h.getKey(), h.getValue()));
    }
    long timeoutMillis = Math.max(1, timeout.toMillis());
    return Stages.direct(http.singleRequest(request, https, pool, log))
        .thenCompose(
            response ->
                Stages.direct(
                        response.entity().toStrict(timeoutMillis, maxResponseBytes, materializer))
                    .thenApply(
                        strict ->
                            new RawResponse(
                                response.status().intValue(), strict.getData().toArray())))
        .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
