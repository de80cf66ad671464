package io.marketgate.app.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;

import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rejections and unexpected exceptions answered as problem+json, never as bare text or a stack
 * trace.
 */
final class ErrorHandling {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandling.class);

  private ErrorHandling() {}

  /** Pekko's default rejection answers (404, 405, 400, 415, …) rewritten as problem+json. */
  static RejectionHandler rejections() {
    return RejectionHandler.defaultHandler().mapRejectionResponse(ErrorHandling::asProblem);
  }

  static ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .matchAny(
            e -> {
              LOG.error("Unhandled error while serving a request", e);
              return complete(
                  Problem.response(
                      500,
                      "internal-error",
                      "Internal Server Error",
                      "The request could not be completed; it has been logged"));
            })
        .build();
  }

  private static HttpResponse asProblem(HttpResponse response) {
    if (!(response.entity() instanceof HttpEntity.Strict strict)) return response;
    int status = response.status().intValue();
    String detail = strict.getData().utf8String();
    String title = response.status().reason();
    String type =
        status == 404 ? "not-found" : status == 405 ? "method-not-allowed" : "bad-request";
    // Keeps the rejection's own headers, e.g. Allow on a 405.
    return Problem.response(
            status == 0 ? StatusCodes.BAD_REQUEST.intValue() : status, type, title, detail)
        .addHeaders(response.getHeaders());
  }
}
