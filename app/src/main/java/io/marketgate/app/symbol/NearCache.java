package io.marketgate.app.symbol;

import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.SymbolProtocol.Answer;
import java.time.Clock;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

/**
 * A node-local read-through copy of the answers symbol entities gave this node, so that a hit needs
 * no sharded ask. It holds only fresh (not stale) answers and serves one only while it is within
 * the max age the caller asks for, bounded by the dataset's max age: the same guarantee the entity
 * gives. A refresh anywhere replaces the copies every node holds (see {@code NearCacheUpdates});
 * until that message arrives a node may serve the previous value, never one older than the max age
 * asked for. Coalescing stays at the entity: a miss asks it.
 */
public final class NearCache {
  private final ConcurrentHashMap<FetchKey, Answer> answers = new ConcurrentHashMap<>();
  private final ToLongFunction<FetchKey> datasetMaxAgeMillis;
  private final int maxEntries;
  private final Clock clock;

  /**
   * @param maxEntries bound on held answers; 0 turns the near-cache off
   */
  public NearCache(ToLongFunction<FetchKey> datasetMaxAgeMillis, int maxEntries, Clock clock) {
    this.datasetMaxAgeMillis = datasetMaxAgeMillis;
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  /**
   * The answer for {@code key} if one is held and no older than {@code maxAgeMillis} (negative: the
   * dataset's max age); {@code null} otherwise.
   */
  public Answer get(FetchKey key, long maxAgeMillis) {
    Answer a = answers.get(key);
    if (a == null) return null;
    long limit = datasetMaxAgeMillis.applyAsLong(key);
    if (maxAgeMillis >= 0 && maxAgeMillis < limit) limit = maxAgeMillis;
    return limit > 0 && clock.millis() - a.fetchedAtMillis() <= limit ? a : null;
  }

  /** Keeps a fresh answer this node received, unless a newer one is already held. */
  public void offer(Answer answer) {
    if (answer.stale() || maxEntries == 0) return;
    answers.merge(answer.key(), Answers.asCached(answer), NearCache::newer);
    if (answers.size() > maxEntries) shrink();
  }

  /** Replaces a held answer by a newer one refreshed elsewhere; keys not held stay absent. */
  public void refreshed(Answer answer) {
    answers.computeIfPresent(answer.key(), (k, held) -> newer(held, Answers.asCached(answer)));
  }

  public void invalidate(FetchKey key) {
    answers.remove(key);
  }

  public int size() {
    return answers.size();
  }

  private static Answer newer(Answer held, Answer offered) {
    return offered.fetchedAtMillis() >= held.fetchedAtMillis() ? offered : held;
  }

  /** Drops expired answers, then arbitrary ones, until a tenth below the bound. */
  private synchronized void shrink() {
    if (answers.size() <= maxEntries) return;
    long now = clock.millis();
    answers
        .entrySet()
        .removeIf(
            e ->
                now - e.getValue().fetchedAtMillis() > datasetMaxAgeMillis.applyAsLong(e.getKey()));
    Iterator<FetchKey> it = answers.keySet().iterator();
    int target = maxEntries - maxEntries / 10;
    while (answers.size() > target && it.hasNext()) {
      it.next();
      it.remove();
    }
  }
}
