package io.marketgate.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketgate.app.http.AnswerEncoder;
import io.marketgate.app.json.Json;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.SymbolProtocol.Answer;
import io.marketgate.protocol.data.Quote;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The response envelope around a cached quote: spliced around the pre-encoded data bytes (what the
 * gateway does), against encoding the record each time and building a JSON tree each time.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class EncodingBenchmark {
  private Quote quote;
  private Answer answer;
  private ObjectMapper mapper;

  @Setup
  public void setup() {
    quote =
        new Quote(
            "AAPL",
            new BigDecimal("232.8"),
            new BigDecimal("4.79"),
            new BigDecimal("2.1008"),
            new BigDecimal("227.2"),
            new BigDecimal("233.13"),
            new BigDecimal("226.65"),
            new BigDecimal("228.01"),
            44489128L,
            "USD",
            Instant.ofEpochSecond(1738702801),
            false);
    answer =
        new Answer(
            FetchKey.of(Dataset.QUOTE, "AAPL"),
            Json.encode(quote),
            "fmp",
            false,
            true,
            false,
            System.currentTimeMillis(),
            0.95,
            List.of(),
            false,
            false,
            List.of());
    mapper = Json.mapper();
  }

  @Benchmark
  public byte[] splicePreEncodedData() {
    return AnswerEncoder.encode(answer, 1234, 0, false);
  }

  @Benchmark
  public byte[] encodeRecordEachTime() {
    byte[] data = Json.encode(quote);
    return AnswerEncoder.encode(
        new Answer(
            answer.key(),
            data,
            "fmp",
            false,
            true,
            false,
            answer.fetchedAtMillis(),
            0.95,
            List.of(),
            false,
            false,
            List.of()),
        1234,
        0,
        false);
  }

  @Benchmark
  public byte[] jsonTreeEachTime() throws Exception {
    ObjectNode root = mapper.createObjectNode();
    root.put("symbol", "AAPL");
    root.put("dataset", "quote");
    root.set("data", (JsonNode) mapper.valueToTree(quote));
    root.put("source", "fmp");
    root.put("provider_used", "cache");
    root.put("cached", true);
    root.put("stale", false);
    root.put("age_ms", 1234);
    root.put("fetched_at", Instant.ofEpochMilli(answer.fetchedAtMillis()).toString());
    root.put("confidence", 0.95);
    ObjectNode meta = root.putObject("metadata");
    meta.putArray("providers_attempted");
    meta.put("coalesced", false);
    meta.put("circuit_breaker_triggered", false);
    meta.put("deduplicated", false);
    meta.put("direct", false);
    meta.put("total_duration_ms", 0);
    return mapper.writeValueAsBytes(root);
  }
}
