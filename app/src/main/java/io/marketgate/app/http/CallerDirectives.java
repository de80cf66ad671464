package io.marketgate.app.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import io.marketgate.app.caller.Caller;
import io.marketgate.app.caller.CallerRegistry;
import io.marketgate.app.caller.CallerSettings;
import io.marketgate.app.caller.ClientThrottle;
import io.marketgate.app.metrics.Metrics;
import io.marketgate.persistence.audit.AuditEvent;
import io.marketgate.persistence.audit.AuditTrail;
import io.marketgate.persistence.quota.LeaseHolder;
import io.marketgate.protocol.Dataset;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Who may ask what, before anything else runs: the {@code X-API-Key} (401 when unknown, or missing
 * while anonymous callers are refused), the profile's rights for the dataset (403, audited,
 * counted; no provider is called and no fetch joined), then the client's request rate (429 with
 * {@code Retry-After}). Operations routes need a profile with {@code admin}.
 */
public final class CallerDirectives {
  static final String API_KEY = "X-API-Key";

  private final CallerRegistry registry;
  private final ClientThrottle throttle;
  private final AuditTrail audit;
  private final Metrics metrics;
  private final CallerSettings settings;
  private final Duration throttleWait;
  private final Clock clock;

  public CallerDirectives(
      CallerRegistry registry,
      ClientThrottle throttle,
      AuditTrail audit,
      Metrics metrics,
      CallerSettings settings,
      Duration throttleWait,
      Clock clock) {
    this.registry = registry;
    this.throttle = throttle;
    this.audit = audit;
    this.metrics = metrics;
    this.settings = settings;
    this.throttleWait = throttleWait;
    this.clock = clock;
  }

  /**
   * A data request for {@code dataset} about {@code subject}: authenticated, allowed and within its
   * rate.
   */
  Route data(HttpRequest request, Dataset dataset, String subject, Function<Caller, Route> inner) {
    CallerRegistry.Authentication auth = registry.authenticate(apiKeys(request));
    if (auth instanceof CallerRegistry.Rejected rejected)
      return complete(unauthorized(rejected.detail()));
    Caller caller = ((CallerRegistry.Authenticated) auth).caller();
    if (!caller.profile().mayRead(dataset)) {
      metrics.rightsDenied(caller.profile().name(), dataset);
      audit.record(
          AuditEvent.rightsDenied(
              dataset.wireName(), subject, caller.clientId(), caller.profile().name()));
      return complete(
          Problem.response(
              403,
              "forbidden",
              "Forbidden",
              "The " + caller.profile().name() + " profile may not read " + dataset.wireName()));
    }
    if (settings.auditAllowedRequests()) {
      audit.record(
          AuditEvent.dataRequest(
              dataset.wireName(), subject, caller.clientId(), caller.profile().name()));
    }
    if (throttle.tryLocal(caller)) return inner.apply(caller);
    return onSuccess(
        throttle.acquire(caller, throttleWait),
        decision ->
            decision.granted()
                ? inner.apply(caller)
                : complete(throttled(caller, subject, decision)));
  }

  /** Operations: an admin caller, or 401/403 (a denial is audited). */
  Route operations(Function<Caller, Route> inner) {
    return extractRequest(
        request -> {
          CallerRegistry.Authentication auth = registry.authenticate(apiKeys(request));
          if (auth instanceof CallerRegistry.Rejected rejected)
            return complete(unauthorized(rejected.detail()));
          Caller caller = ((CallerRegistry.Authenticated) auth).caller();
          if (!caller.profile().admin()) {
            audit.record(
                AuditEvent.operation(
                    AuditEvent.OPERATIONS,
                    request.method().value() + " " + request.getUri().path(),
                    caller.clientId(),
                    caller.profile().name(),
                    false));
            return complete(
                Problem.response(
                    403, "forbidden", "Forbidden", "The operations endpoints need an admin key"));
          }
          return inner.apply(caller);
        });
  }

  private HttpResponse throttled(Caller caller, String subject, LeaseHolder.Decision decision) {
    long retryAfter = Math.max(1, (decision.retryAtMillis() - clock.millis() + 999) / 1000);
    metrics.throttled(caller.profile().name());
    if (ThreadLocalRandom.current().nextDouble() < settings.throttleAuditSample()) {
      audit.record(
          AuditEvent.throttled(subject, caller.clientId(), caller.profile().name(), retryAfter));
    }
    return Problem.response(
            429,
            "throttled",
            "Too Many Requests",
            "Over the "
                + caller.profile().name()
                + " profile's "
                + caller.profile().requestsPerMinute()
                + " requests per minute")
        .addHeader(RawHeader.create("Retry-After", Long.toString(retryAfter)));
  }

  private static HttpResponse unauthorized(String detail) {
    return Problem.response(401, "unauthorized", "Unauthorized", detail)
        .addHeader(RawHeader.create("WWW-Authenticate", "ApiKey"));
  }

  private static List<String> apiKeys(HttpRequest request) {
    List<String> keys = new ArrayList<>(1);
    for (HttpHeader h : request.getHeaders()) {
      if (h.is("x-api-key")) keys.add(h.value());
    }
    return keys;
  }
}
