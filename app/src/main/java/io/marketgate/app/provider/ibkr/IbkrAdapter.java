package io.marketgate.app.provider.ibkr;

import static io.marketgate.app.provider.AdapterSupport.encode;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.provider.AdapterResult;
import io.marketgate.app.provider.AdapterSupport;
import io.marketgate.app.provider.JsonFields;
import io.marketgate.app.provider.ProviderAdapter;
import io.marketgate.app.provider.ProviderRequest;
import io.marketgate.app.provider.QuoteValidator;
import io.marketgate.app.provider.StatusClassifier;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.data.Quote;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Interactive Brokers through the Client Portal Web API gateway (no key: the gateway holds the
 * logged-in session). A quote takes up to three kinds of call within one attempt: the contract
 * search {@code /iserver/secdef/search} for the symbol's conid (cached, conids never change), the
 * snapshot {@code /iserver/marketdata/snapshot}, asked again while the gateway has not yet
 * delivered the fields (its first answer for a conid opens the market data line and holds only
 * {@code conid}/{@code conidEx}), and {@code /iserver/accounts} when the gateway says it must be
 * queried first. Errors are {@code {"error": …}} bodies or bare statuses.
 */
public final class IbkrAdapter implements ProviderAdapter {
  private static final String SEARCH = "secdef_search";
  private static final String SNAPSHOT = "snapshot";
  private static final String ACCOUNTS = "accounts";

  /**
   * Snapshot fields: 31 last, 55 symbol, 70/71 day high/low, 82/83 change and change %, 87 and 7762
   * volume, 7295 open, 7741 prior close, 6509 market data availability.
   */
  private static final String FIELDS = "31,55,70,71,82,83,87,7295,7741,7762,6509";

  /** IBKR's names of the US listing exchanges a stock's primary listing can be on. */
  private static final Set<String> US_EXCHANGES =
      Set.of("NASDAQ", "NYSE", "AMEX", "ARCA", "BATS", "IEX", "PINK");

  private final Duration pollInterval;

  /** Symbol (upper case) to conid: a permanent fact, so never evicted. */
  private final ConcurrentMap<String, Long> conids = new ConcurrentHashMap<>();

  public IbkrAdapter(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }

  @Override
  public Set<Dataset> datasets() {
    return Set.of(Dataset.QUOTE);
  }

  @Override
  public ProviderRequest request(FetchKey key, String apiKey) {
    if (key.dataset() != Dataset.QUOTE)
      throw new IllegalArgumentException("IBKR does not serve " + key.dataset());
    Long conid = conids.get(upper(key.symbol()));
    return conid != null
        ? get("/iserver/marketdata/snapshot?conids=" + conid + "&fields=" + FIELDS, SNAPSHOT)
        : get(
            "/iserver/secdef/search?symbol=" + encode(key.symbol()) + "&name=false&secType=STK",
            SEARCH);
  }

  /**
   * The answer to what {@link #request} sends now; the exchange calls the form that knows the
   * request.
   */
  @Override
  public AdapterResult parse(FetchKey key, int status, byte[] body) {
    return parse(key, request(key, ""), status, body);
  }

  @Override
  public AdapterResult parse(FetchKey key, ProviderRequest request, int status, byte[] body) {
    Optional<AdapterResult> refused = statusRefusal(status);
    if (refused.isPresent()) return refused.get();
    return AdapterSupport.parseJson(
        status,
        body,
        (s, json) -> errorOf(key, s, json),
        json ->
            switch (request.endpoint()) {
              case SEARCH -> searched(key, json);
              case SNAPSHOT -> snapshot(key, request, json);
              // The session now knows its accounts: the call that needed them goes again.
              case ACCOUNTS -> new AdapterResult.FollowUp(request(key, ""), Duration.ZERO);
              default ->
                  throw new IllegalArgumentException("not an IBKR step: " + request.endpoint());
            });
  }

  private static ProviderRequest get(String pathAndQuery, String endpoint) {
    return new ProviderRequest(pathAndQuery, Map.of(), endpoint);
  }

  private static String upper(String symbol) {
    return symbol.toUpperCase(Locale.ROOT);
  }

  /**
   * The stock listed in the US under exactly this symbol; other listings (MEXI, IBIS, …) are other
   * contracts.
   */
  private AdapterResult searched(FetchKey key, JsonNode json) {
    if (!json.isArray())
      return AdapterResult.failure(
          ProviderErrorCode.INVALID_RESPONSE, "contract search did not answer a list");
    for (JsonNode contract : json) {
      if (key.symbol().equalsIgnoreCase(JsonFields.text(contract, "symbol"))
          && isStock(contract)
          && usListed(contract)) {
        long conid = Long.parseLong(JsonFields.text(contract, "conid"));
        conids.put(upper(key.symbol()), conid);
        return new AdapterResult.FollowUp(request(key, ""), Duration.ZERO);
      }
    }
    return AdapterResult.failure(
        ProviderErrorCode.NOT_FOUND, "IBKR lists no US stock " + key.symbol());
  }

  private static boolean isStock(JsonNode contract) {
    if ("STK".equals(JsonFields.text(contract, "secType"))) return true;
    for (JsonNode section : contract.path("sections")) {
      if ("STK".equals(JsonFields.text(section, "secType"))) return true;
    }
    return false;
  }

  /**
   * {@code description} is the primary exchange ({@code NASDAQ}); {@code companyHeader} ends with
   * it.
   */
  private static boolean usListed(JsonNode contract) {
    String exchange = JsonFields.text(contract, "description");
    String header = JsonFields.text(contract, "companyHeader");
    if (exchange == null && header != null && header.contains(" - "))
      exchange = header.substring(header.lastIndexOf(" - ") + 3);
    return exchange != null
        && US_EXCHANGES.contains(exchange.toUpperCase(Locale.ROOT).split("\\.")[0].trim());
  }

  private AdapterResult snapshot(FetchKey key, ProviderRequest request, JsonNode json) {
    if (!json.isArray())
      return AdapterResult.failure(
          ProviderErrorCode.INVALID_RESPONSE, "snapshot did not answer a list");
    long conid = conids.get(upper(key.symbol()));
    JsonNode row = null;
    for (JsonNode r : json) {
      if (r.path("conid").asLong() == conid) row = r;
    }
    if (row == null)
      return AdapterResult.failure(
          ProviderErrorCode.INVALID_RESPONSE, "snapshot without conid " + conid);
    String availability = JsonFields.text(row, "6509");
    if (availability != null && availability.startsWith("N")) {
      return AdapterResult.failure(
          ProviderErrorCode.NOT_ENTITLED,
          "the IBKR user has no market data permissions for "
              + key.symbol()
              + " (availability "
              + availability
              + ")");
    }
    // The gateway fills a new market data line over several answers: ask again until it has the
    // price. The symbol (55) may never come: the conid already says which stock it is.
    String last = JsonFields.text(row, "31");
    if (last == null) return new AdapterResult.FollowUp(request, pollInterval);
    String symbol = JsonFields.text(row, "55");
    BigDecimal price = price(last);
    BigDecimal priorClose = price(JsonFields.text(row, "7741"));
    Quote quote =
        new Quote(
            symbol == null ? upper(key.symbol()) : symbol,
            price,
            JsonFields.decimal(row, "82"),
            JsonFields.decimal(row, "83"),
            price(JsonFields.text(row, "7295")),
            price(JsonFields.text(row, "70")),
            price(JsonFields.text(row, "71")),
            // A "C" last price is the prior close itself, shown while nothing has traded today.
            priorClose == null && last.startsWith("C") ? price : priorClose,
            volume(row),
            "USD",
            JsonFields.epochMillis(row, "_updated"),
            delayed(availability));
    return AdapterSupport.validated(quote, QuoteValidator.violation(quote, key.symbol()));
  }

  /**
   * The first letter of field 6509: R real-time, D delayed, Z frozen (the close, in real time), Y
   * frozen and delayed. Anything else is taken as delayed rather than claimed real-time.
   */
  private static boolean delayed(String availability) {
    return availability == null || !(availability.startsWith("R") || availability.startsWith("Z"));
  }

  /**
   * A price as IBKR writes it, perhaps behind a prefix: {@code C} the prior close (no trade yet
   * today), {@code H} trading halted (the last trade before the halt). Both are real prices.
   */
  private static BigDecimal price(String raw) {
    if (raw == null) return null;
    boolean prefixed = raw.startsWith("C") || raw.startsWith("H");
    return JsonFields.parseDecimal(prefixed ? raw.substring(1) : raw);
  }

  /**
   * 7762 is the exact day volume; 87 (and the deprecated 87_raw) may be shortened as {@code 47.8M}.
   */
  private static Long volume(JsonNode row) {
    for (String field : new String[] {"7762", "87_raw", "87"}) {
      String v = JsonFields.text(row, field);
      if (v != null) return volume(v);
    }
    return null;
  }

  private static Long volume(String raw) {
    String s = raw.replace(",", "").toUpperCase(Locale.ROOT);
    int scale =
        switch (s.charAt(s.length() - 1)) {
          case 'K' -> 3;
          case 'M' -> 6;
          case 'B' -> 9;
          default -> 0;
        };
    BigDecimal v = JsonFields.parseDecimal(scale == 0 ? s : s.substring(0, s.length() - 1));
    return v == null ? null : v.movePointRight(scale).longValue();
  }

  /** Statuses that say everything whatever the body (often HTML or empty from the gateway). */
  private static Optional<AdapterResult> statusRefusal(int status) {
    if (status == 401) {
      return Optional.of(
          AdapterResult.failure(
              ProviderErrorCode.UNAUTHORIZED,
              "HTTP 401: the IBKR Client Portal gateway session is not authenticated; log in to the gateway"));
    }
    if (status == 429) {
      return Optional.of(
          AdapterResult.rateLimited(
              "HTTP 429: the IBKR gateway allows about 10 requests per second and holds violators in a penalty box",
              null));
    }
    return Optional.empty();
  }

  /** IBKR's {@code {"error": …}} bodies, sent with error statuses and sometimes with 200. */
  private static Optional<AdapterResult> errorOf(FetchKey key, int status, JsonNode json) {
    String error = json.isObject() ? JsonFields.text(json, "error") : null;
    if (error == null) {
      return StatusClassifier.classify(status)
          .map(code -> AdapterResult.failure(code, "HTTP " + status));
    }
    String lower = error.toLowerCase(Locale.ROOT);
    if (lower.contains("not authenticated") || lower.contains("no bridge")) {
      return Optional.of(
          AdapterResult.failure(
              ProviderErrorCode.UNAUTHORIZED,
              "the IBKR gateway has no logged-in brokerage session ("
                  + AdapterSupport.truncate(error)
                  + "); log in to the gateway"));
    }
    if (lower.contains("query /accounts first")) {
      return Optional.of(
          new AdapterResult.FollowUp(get("/iserver/accounts", ACCOUNTS), Duration.ZERO));
    }
    if (lower.contains("no symbol") || lower.contains("not found")) {
      return Optional.of(
          AdapterResult.failure(
              ProviderErrorCode.NOT_FOUND, "IBKR knows no stock " + key.symbol()));
    }
    ProviderErrorCode code =
        StatusClassifier.classify(status).orElse(ProviderErrorCode.INVALID_RESPONSE);
    return Optional.of(AdapterResult.failure(code, AdapterSupport.truncate(error)));
  }
}
