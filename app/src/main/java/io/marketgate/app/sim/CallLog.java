package io.marketgate.app.sim;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every call the simulator received: counts per provider and endpoint, and a bounded log with start
 * and end times (to check that two calls for one key never overlapped).
 */
public final class CallLog {
  private static final int MAX_ENTRIES = 100_000;

  /**
   * One call; {@code endedAtMs} is 0 while it is still being answered. {@code caller} tells the
   * callers' keys apart (see {@link CallerTag}).
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Call(
      long id,
      String provider,
      String endpoint,
      String symbol,
      String caller,
      long startedAtMs,
      long endedAtMs,
      int status) {}

  /** In call order; replacing an entry when its call ends keeps its place. */
  private final LinkedHashMap<Long, Call> log =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Call> eldest) {
          return size() > MAX_ENTRIES;
        }
      };

  private final Map<String, Long> perProvider = new TreeMap<>();
  private final Map<String, Long> perEndpoint = new TreeMap<>();
  private long nextId;

  synchronized long started(String provider, String endpoint, String symbol, String caller) {
    long id = ++nextId;
    perProvider.merge(provider, 1L, Long::sum);
    perEndpoint.merge(provider + " " + endpoint, 1L, Long::sum);
    log.put(id, new Call(id, provider, endpoint, symbol, caller, System.currentTimeMillis(), 0, 0));
    return id;
  }

  synchronized void ended(long id, int status) {
    Call c = log.get(id);
    if (c != null) {
      log.put(
          id,
          new Call(
              id,
              c.provider(),
              c.endpoint(),
              c.symbol(),
              c.caller(),
              c.startedAtMs(),
              System.currentTimeMillis(),
              status));
    }
  }

  public synchronized long count(String provider) {
    return perProvider.getOrDefault(provider, 0L);
  }

  public synchronized long total() {
    return perProvider.values().stream().mapToLong(Long::longValue).sum();
  }

  public synchronized Map<String, Long> perProvider() {
    return Map.copyOf(perProvider);
  }

  public synchronized Map<String, Long> perEndpoint() {
    return Map.copyOf(perEndpoint);
  }

  public synchronized List<Call> calls() {
    return List.copyOf(log.values());
  }

  synchronized void clear() {
    log.clear();
    perProvider.clear();
    perEndpoint.clear();
  }
}
