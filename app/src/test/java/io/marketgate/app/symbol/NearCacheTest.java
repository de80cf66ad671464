package io.marketgate.app.symbol;

import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.app.testkit.ManualClock;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderError;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.SymbolProtocol.Answer;
import java.util.List;
import org.junit.jupiter.api.Test;

class NearCacheTest {
  private final ManualClock clock = new ManualClock(1_000_000);
  private final NearCache cache = new NearCache(k -> 5_000, 100, clock);
  private final FetchKey key = FetchKey.of(Dataset.QUOTE, "AAPL");

  private Answer answer(long fetchedAt, boolean stale) {
    return new Answer(
        key,
        new byte[] {'{', '}'},
        "fmp",
        false,
        false,
        stale,
        fetchedAt,
        0.95,
        List.of("fmp"),
        true,
        false,
        List.of(new ProviderError("polygon", ProviderErrorCode.TIMEOUT, "x")));
  }

  @Test
  void servesOnlyWithinTheMaxAgeAskedForAndTheDatasetsMaxAge() {
    cache.offer(answer(clock.millis(), false));
    clock.advance(2_000);
    assertNotNull(cache.get(key, -1));
    assertNotNull(cache.get(key, 3_000));
    assertNull(cache.get(key, 1_000), "older than the caller's max age");
    assertNull(cache.get(key, 0), "no-cache is never served from a copy");
    clock.advance(3_001);
    assertNull(cache.get(key, 60_000), "never beyond the dataset's max age");
  }

  @Test
  void keepsAnswersAsCacheHits() {
    cache.offer(answer(clock.millis(), false));
    Answer held = cache.get(key, -1);
    assertTrue(held.cached());
    assertEquals("cache", held.providerUsed());
    assertTrue(held.providersAttempted().isEmpty());
    assertFalse(held.coalesced());
    assertTrue(held.errors().isEmpty());
  }

  @Test
  void neverHoldsStaleAnswersAndKeepsTheNewer() {
    cache.offer(answer(clock.millis(), true));
    assertNull(cache.get(key, -1));
    cache.offer(answer(clock.millis() - 10, false));
    cache.offer(answer(clock.millis() - 100, false));
    assertEquals(
        clock.millis() - 10,
        cache.get(key, -1).fetchedAtMillis(),
        "an older answer arriving late does not win");
  }

  @Test
  void refreshesReplaceHeldCopiesOnlyAndRemovalsDropThem() {
    cache.refreshed(answer(clock.millis(), false));
    assertNull(cache.get(key, -1), "a refresh does not add keys this node never asked for");
    cache.offer(answer(clock.millis() - 50, false));
    cache.refreshed(answer(clock.millis(), false));
    assertEquals(clock.millis(), cache.get(key, -1).fetchedAtMillis());
    cache.invalidate(key);
    assertNull(cache.get(key, -1));
  }

  @Test
  void staysBoundedDroppingExpiredFirst() {
    for (int i = 0; i < 50; i++)
      cache.offer(
          new Answer(
              FetchKey.of(Dataset.QUOTE, "OLD" + i),
              new byte[0],
              "fmp",
              false,
              true,
              false,
              clock.millis() - 10_000,
              0.9,
              List.of(),
              false,
              false,
              List.of()));
    for (int i = 0; i < 60; i++)
      cache.offer(
          new Answer(
              FetchKey.of(Dataset.QUOTE, "NEW" + i),
              new byte[0],
              "fmp",
              false,
              true,
              false,
              clock.millis(),
              0.9,
              List.of(),
              false,
              false,
              List.of()));
    assertTrue(cache.size() <= 100);
    int fresh = 0;
    for (int i = 0; i < 60; i++)
      if (cache.get(FetchKey.of(Dataset.QUOTE, "NEW" + i), -1) != null) fresh++;
    assertEquals(60, fresh, "expired copies went first");
  }

  @Test
  void aZeroBoundTurnsItOff() {
    NearCache off = new NearCache(k -> 5_000, 0, clock);
    off.offer(answer(clock.millis(), false));
    assertNull(off.get(key, -1));
    assertEquals(0, off.size());
  }
}
