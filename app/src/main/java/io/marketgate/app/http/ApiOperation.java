package io.marketgate.app.http;

import java.util.List;
import java.util.stream.Stream;

/**
 * One method and path template of the HTTP API, as the OpenAPI document names it. Each route class
 * declares the operations it serves next to its routes; the API test holds them against the
 * document and against a running node.
 */
public record ApiOperation(String method, String path) {

  static ApiOperation get(String path) {
    return new ApiOperation("GET", path);
  }

  static ApiOperation post(String path) {
    return new ApiOperation("POST", path);
  }

  /** Health (Pekko Management, port 7626) and metrics (port 9095), served outside the API port. */
  public static final List<ApiOperation> HEALTH =
      List.of(get("/alive"), get("/ready"), get("/metrics"));

  /** Every operation of every port. */
  public static List<ApiOperation> all() {
    return Stream.of(
            DataRoutes.OPERATIONS,
            BatchRoutes.OPERATIONS,
            OperationsRoutes.OPERATIONS,
            ClusterRoutes.OPERATIONS,
            StreamRoutes.OPERATIONS,
            ApiDocument.OPERATIONS,
            HEALTH)
        .flatMap(List::stream)
        .toList();
  }
}
