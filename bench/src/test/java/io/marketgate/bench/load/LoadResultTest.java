package io.marketgate.bench.load;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The figures a run reports, from a histogram whose content is known. */
class LoadResultTest {
  @Test
  void percentilesThroughputAndMaxComeFromTheRecordedLatencies() {
    Histogram h = new Histogram(Duration.ofMinutes(10).toNanos() / 1000, 3);
    for (int i = 1; i <= 1000; i++) h.recordValue(i * 1000L); // 1 ms .. 1000 ms
    LoadResult r = new LoadResult(h, Map.of(200, 990L, 503, 10L), 2, Duration.ofSeconds(4), 0);
    assertEquals(1000, r.completed());
    assertEquals(250.0, r.throughput(), 1e-9);
    assertEquals(500.0, r.percentileMillis(50), 1.0);
    assertEquals(990.0, r.percentileMillis(99), 1.0);
    assertEquals(1000.0, r.maxMillis(), 1.0);
    assertEquals(990, r.count(200));
    assertEquals(0, r.count(404));
    assertEquals(2, r.errors());
  }
}
