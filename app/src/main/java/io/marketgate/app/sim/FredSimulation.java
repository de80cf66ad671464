package io.marketgate.app.sim;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * FRED in its real format under {@code /fred}: {@code /series/observations} with {@code ?api_key=},
 * monthly observations, FRED's {@code "."} for a missing value (every seventh month), and its
 * {@code {"error_code":…,"error_message":…}} errors. Series ids starting with {@code ZZ} do not
 * exist.
 */
final class FredSimulation implements ProviderFormat {
  static final String NAME = "fred";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final LocalDate LATEST = LocalDate.of(2026, 10, 1);

  private final Responder responder;

  FredSimulation(Responder responder) {
    this.responder = responder;
  }

  Route route() {
    return pathPrefix(
        "fred",
        () ->
            path(segment("series").slash("observations"), () -> parameterMap(this::observations)));
  }

  private Route observations(Map<String, String> params) {
    String series = params.getOrDefault("series_id", "").toUpperCase(Locale.ROOT);
    return responder.respond(
        NAME,
        "series_observations",
        series,
        this,
        invalid -> {
          String key = params.getOrDefault("api_key", "");
          if (key.isBlank() || key.startsWith("invalid")) return unauthorized();
          if (series.isBlank() || !SimulatedMarket.knows(series))
            return error(400, "Bad Request.  The series does not exist.");
          int limit = Math.min(Integer.parseInt(params.getOrDefault("limit", "100000")), 240);
          boolean descending = "desc".equals(params.get("sort_order"));
          String today = LocalDate.now().toString();
          ObjectNode body = NODES.objectNode();
          body.put("realtime_start", today);
          body.put("realtime_end", today);
          body.put("observation_start", "1600-01-01");
          body.put("observation_end", "9999-12-31");
          body.put("units", params.getOrDefault("units", "lin"));
          body.put("output_type", 1);
          body.put("file_type", "json");
          body.put("order_by", "observation_date");
          body.put("sort_order", descending ? "desc" : "asc");
          body.put("count", 240);
          body.put("offset", 0);
          body.put("limit", limit);
          ArrayNode observations = body.putArray("observations");
          long h = SimulatedMarket.seed(series);
          for (int i = 0; i < limit; i++) {
            int monthsBack = descending ? i : 239 - i;
            ObjectNode o = observations.addObject();
            o.put("realtime_start", today);
            o.put("realtime_end", today);
            o.put("date", LATEST.minusMonths(monthsBack).toString());
            o.put(
                "value",
                monthsBack % 7 == 3
                    ? "."
                    : BigDecimal.valueOf(100_000 + h % 50_000 + 37L * (240 - monthsBack), 3)
                        .toPlainString());
          }
          return SimResponse.json(200, body);
        });
  }

  private static SimResponse error(int status, String message) {
    ObjectNode body = NODES.objectNode();
    body.put("error_code", status);
    body.put("error_message", message);
    return SimResponse.json(status, body);
  }

  @Override
  public SimResponse rateLimited() {
    return error(429, "Too Many Requests.  Exceeded Rate Limit");
  }

  @Override
  public SimResponse errorWithStatus200() {
    ObjectNode body = NODES.objectNode();
    body.put("error_code", 500);
    body.put("error_message", "Internal Server Error.  Please try again later.");
    return SimResponse.json(200, body);
  }

  @Override
  public SimResponse unauthorized() {
    return error(
        400,
        "Bad Request.  The value for variable api_key is not registered.  Read https://fred.stlouisfed.org/docs/api/api_key.html for more information.");
  }

  /** FRED has no paid plans; a key it refuses is its only refusal. */
  @Override
  public SimResponse notEntitled() {
    return error(403, "Forbidden.  The api_key is not permitted to access this resource.");
  }
}
