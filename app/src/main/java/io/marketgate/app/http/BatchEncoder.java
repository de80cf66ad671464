package io.marketgate.app.http;

import io.marketgate.app.symbol.DataProblem;
import io.marketgate.app.symbol.DataResult;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.SymbolProtocol.Answer;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * The batch answer: {@code results} (one per distinct symbol, in the order asked, each with its
 * {@code status}: an envelope like a single quote's, or an {@code error} problem) and {@code
 * summary {total, successful, failed, cached, fresh, total_duration_ms}}.
 */
final class BatchEncoder {
  private BatchEncoder() {}

  static byte[] encode(
      Map<String, Integer> symbols,
      Map<FetchKey, DataResult> results,
      Map<String, HttpResponse> invalid,
      long nowMillis,
      long tookMillis) {
    JsonBytes json = new JsonBytes(512 + 600 * symbols.size());
    int successful = 0;
    int failed = 0;
    int cached = 0;
    int fresh = 0;
    json.ascii("{\"results\":[");
    boolean first = true;
    for (var entry : symbols.entrySet()) {
      if (!first) json.ascii(",");
      first = false;
      FetchKey key = FetchKey.of(Dataset.QUOTE, entry.getKey());
      DataResult result = results.get(key);
      if (result instanceof DataResult.Served served) {
        Answer a = served.answer();
        successful++;
        if (a.cached()) cached++;
        else fresh++;
        AnswerEncoder.write(
            json,
            a,
            Math.max(0, nowMillis - a.fetchedAtMillis()),
            tookMillis,
            200,
            entry.getValue() > 1,
            served.direct());
      } else {
        failed++;
        DataProblem problem =
            result instanceof DataResult.Refused refused
                ? refused.problem()
                : DataProblem.of(null, key);
        error(json, entry.getKey(), DataRoutes.problem(problem));
      }
    }
    for (var bad : invalid.entrySet()) {
      if (!first) json.ascii(",");
      first = false;
      failed++;
      error(json, bad.getKey(), bad.getValue());
    }
    json.ascii("],\"summary\":{\"total\":")
        .number(symbols.size() + invalid.size())
        .ascii(",\"successful\":")
        .number(successful)
        .ascii(",\"failed\":")
        .number(failed)
        .ascii(",\"cached\":")
        .number(cached)
        .ascii(",\"fresh\":")
        .number(fresh)
        .ascii(",\"total_duration_ms\":")
        .number(tookMillis)
        .ascii("}}");
    return json.toBytes();
  }

  private static void error(JsonBytes json, String symbol, HttpResponse problem) {
    byte[] body = ((HttpEntity.Strict) problem.entity()).getData().toArray();
    json.ascii("{\"symbol\":")
        .string(symbol)
        .ascii(",\"status\":")
        .number(problem.status().intValue())
        .ascii(",\"error\":")
        .raw(body)
        .ascii("}");
  }
}
