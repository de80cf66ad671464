package io.marketgate.app.sim;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Tiingo in its real formats under {@code /tiingo}: IEX top of book ({@code /iex/?tickers=a,b} and
 * {@code /iex/{ticker}}), the latest end-of-day bar ({@code /tiingo/daily/{ticker}/prices}) and the
 * daily metadata ({@code /tiingo/daily/{ticker}}). The key may come as {@code Authorization: Token
 * …} or {@code ?token=}. As since IEX's 2025 policy for accounts without an exchange agreement,
 * {@code last} and the book are null and {@code tngoLast} carries the price.
 */
final class TiingoSimulation implements ProviderFormat {
  static final String NAME = "tiingo";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Responder responder;

  TiingoSimulation(Responder responder) {
    this.responder = responder;
  }

  Route route() {
    return pathPrefix(
        NAME,
        () ->
            optionalHeaderValueByName(
                "Authorization",
                auth ->
                    parameterMap(
                        params -> {
                          String key = key(auth, params);
                          return concat(
                              pathPrefix(
                                  "iex",
                                  () ->
                                      concat(
                                          pathEndOrSingleSlash(
                                              () -> iex(params.getOrDefault("tickers", ""), key)),
                                          path(segment(), ticker -> iex(ticker, key)))),
                              pathPrefix(
                                  segment("tiingo").slash("daily").slash(segment()),
                                  ticker ->
                                      concat(
                                          pathEndOrSingleSlash(
                                              () -> metadata(ticker.toUpperCase(Locale.ROOT), key)),
                                          path("prices", () -> prices(ticker, key)))));
                        })));
  }

  private Route iex(String tickers, String key) {
    List<String> asked =
        Arrays.stream(tickers.split(","))
            .map(t -> t.trim().toUpperCase(Locale.ROOT))
            .filter(t -> !t.isEmpty())
            .toList();
    String endpoint = asked.size() > 1 ? "iex_batch" : "iex";
    return responder.respond(
        NAME,
        endpoint,
        String.join(",", asked),
        this,
        invalid -> {
          if (!validKey(key)) return refused(key);
          ArrayNode array = NODES.arrayNode();
          asked.stream()
              .filter(SimulatedMarket::knows)
              .forEach(t -> array.add(topOfBook(t, invalid)));
          return SimResponse.json(200, array);
        });
  }

  private static ObjectNode topOfBook(String ticker, boolean invalid) {
    SimulatedMarket.Numbers n = SimulatedMarket.quote(ticker);
    String now = OffsetDateTime.now(ZoneOffset.UTC).toString();
    ObjectNode q = NODES.objectNode();
    q.put("ticker", ticker);
    q.put("timestamp", now);
    q.put("lastSaleTimestamp", now);
    q.put("quoteTimestamp", now);
    q.put("open", n.open());
    q.put("high", n.dayHigh());
    q.put("low", n.dayLow());
    q.putNull("mid");
    q.put("tngoLast", invalid ? BigDecimal.ZERO : n.price());
    q.putNull("last");
    q.putNull("lastSize");
    q.putNull("bidSize");
    q.putNull("bidPrice");
    q.putNull("askPrice");
    q.putNull("askSize");
    q.put("prevClose", n.previousClose());
    q.put("volume", n.volume());
    return q;
  }

  private Route prices(String ticker, String key) {
    String t = ticker.toUpperCase(Locale.ROOT);
    return responder.respond(
        NAME,
        "daily_prices",
        t,
        this,
        invalid -> {
          if (!validKey(key)) return refused(key);
          if (!SimulatedMarket.knows(t))
            return detail(404, "Error: Ticker '" + ticker + "' not found");
          SimulatedMarket.Numbers n = SimulatedMarket.quote(t);
          BigDecimal close = invalid ? BigDecimal.ZERO : n.price();
          ObjectNode bar = NODES.objectNode();
          bar.put("date", lastSession() + "T00:00:00.000Z");
          bar.put("close", close);
          bar.put("high", n.dayHigh());
          bar.put("low", n.dayLow());
          bar.put("open", n.open());
          bar.put("volume", n.volume());
          bar.put("adjClose", close);
          bar.put("adjHigh", n.dayHigh());
          bar.put("adjLow", n.dayLow());
          bar.put("adjOpen", n.open());
          bar.put("adjVolume", n.volume());
          bar.put("divCash", 0.0);
          bar.put("splitFactor", 1.0);
          return SimResponse.json(200, NODES.arrayNode().add(bar));
        });
  }

  private Route metadata(String ticker, String key) {
    return responder.respond(
        NAME,
        "daily_meta",
        ticker,
        this,
        invalid -> {
          if (!validKey(key)) return refused(key);
          if (!SimulatedMarket.knows(ticker)) return detail(404, "Not found.");
          ObjectNode m = NODES.objectNode();
          m.put("ticker", ticker);
          m.put("name", ticker + " Inc.");
          m.put("exchangeCode", "NASDAQ");
          m.put("startDate", "1980-12-12");
          m.put("endDate", lastSession().toString());
          m.put(
              "description",
              ticker + " Inc. designs, manufactures and markets products worldwide.");
          return SimResponse.json(200, m);
        });
  }

  /** The weekday before today, as the end-of-day feed's latest bar. */
  private static LocalDate lastSession() {
    LocalDate day = LocalDate.now(ZoneOffset.UTC).minus(1, ChronoUnit.DAYS);
    while (day.getDayOfWeek().getValue() > 5) day = day.minusDays(1);
    return day;
  }

  private static String key(Optional<String> auth, Map<String, String> params) {
    return auth.filter(a -> a.startsWith("Token "))
        .map(a -> a.substring(6).trim())
        .orElse(params.getOrDefault("token", ""));
  }

  private static boolean validKey(String key) {
    return !key.isBlank() && !key.startsWith("invalid");
  }

  private SimResponse refused(String key) {
    return key.isBlank() ? detail(401, "Please supply a token") : unauthorized();
  }

  private static SimResponse detail(int status, String message) {
    ObjectNode body = NODES.objectNode();
    body.put("detail", message);
    return SimResponse.json(status, body);
  }

  @Override
  public SimResponse rateLimited() {
    return detail(
        429,
        "Error: You have run over your hourly request allocation. Please upgrade at https://api.tiingo.com/pricing to have your limits increased.");
  }

  @Override
  public SimResponse errorWithStatus200() {
    return detail(
        200,
        "Error: Something went wrong on our end. Please try again or contact support@tiingo.com.");
  }

  @Override
  public SimResponse unauthorized() {
    return detail(401, "Invalid token.");
  }

  @Override
  public SimResponse notEntitled() {
    return detail(403, "You do not have permission to access the IEX API");
  }
}
