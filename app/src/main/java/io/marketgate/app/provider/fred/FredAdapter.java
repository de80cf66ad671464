package io.marketgate.app.provider.fred;

import static io.marketgate.app.provider.AdapterSupport.encode;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketgate.app.provider.AdapterResult;
import io.marketgate.app.provider.AdapterSupport;
import io.marketgate.app.provider.JsonFields;
import io.marketgate.app.provider.ProviderAdapter;
import io.marketgate.app.provider.ProviderRequest;
import io.marketgate.app.provider.StatusClassifier;
import io.marketgate.app.provider.Validation;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.data.EconomicSeries;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * FRED (Federal Reserve Bank of St. Louis): {@code
 * /series/observations?series_id=GDP&file_type=json}. A value of {@code "."} is FRED's missing
 * value and becomes {@code null}; {@code units} is the transformation FRED applied ({@code lin}:
 * levels). The newest observations are asked for and returned oldest first. Errors are {@code
 * {"error_code": 400, "error_message": …}}.
 */
public final class FredAdapter implements ProviderAdapter {
  private static final int LIMIT = 120;

  @Override
  public Set<Dataset> datasets() {
    return Set.of(Dataset.ECONOMIC);
  }

  @Override
  public ProviderRequest request(FetchKey key, String apiKey) {
    return new ProviderRequest(
        "/series/observations?series_id="
            + encode(key.symbol())
            + "&api_key="
            + encode(apiKey)
            + "&file_type=json&sort_order=desc&limit="
            + LIMIT,
        Map.of(),
        "series_observations");
  }

  @Override
  public AdapterResult parse(FetchKey key, int status, byte[] body) {
    return AdapterSupport.parseJson(
        status,
        body,
        FredAdapter::errorOf,
        json -> {
          JsonNode observations = json.get("observations");
          if (observations == null || !observations.isArray()) {
            return AdapterResult.failure(
                ProviderErrorCode.INVALID_RESPONSE, "no observations array");
          }
          List<EconomicSeries.Observation> values = new ArrayList<>();
          for (JsonNode o : observations)
            values.add(
                new EconomicSeries.Observation(
                    JsonFields.date(o, "date"), JsonFields.decimal(o, "value")));
          values.sort((a, b) -> a.date().compareTo(b.date()));
          EconomicSeries series =
              new EconomicSeries(key.symbol(), JsonFields.text(json, "units"), values);
          return AdapterSupport.validated(series, Validation.economic(series, key.symbol()));
        });
  }

  static Optional<AdapterResult> errorOf(int status, JsonNode json) {
    String message = json.isObject() ? JsonFields.text(json, "error_message") : null;
    if (message == null && status >= 200 && status < 300) return Optional.empty();
    if (message == null)
      return StatusClassifier.classify(status)
          .map(code -> AdapterResult.failure(code, "HTTP " + status));
    String lower = message.toLowerCase(Locale.ROOT);
    ProviderErrorCode code;
    if (status == 429 || lower.contains("too many requests") || lower.contains("rate limit"))
      code = ProviderErrorCode.RATE_LIMIT;
    else if (lower.contains("api_key") || lower.contains("api key"))
      code = ProviderErrorCode.UNAUTHORIZED;
    // "The series does not exist." and "Invalid value for variable series_id. Series IDs should be
    // 25 or less alphanumeric characters." both say there is no such series: an answer, not a
    // fault.
    else if (lower.contains("does not exist") || lower.contains("variable series_id"))
      code = ProviderErrorCode.NOT_FOUND;
    else code = StatusClassifier.classify(status).orElse(ProviderErrorCode.INVALID_RESPONSE);
    return Optional.of(AdapterResult.failure(code, AdapterSupport.truncate(message)));
  }
}
