package io.marketgate.persistence.lastgood;

import io.marketgate.protocol.FetchKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Durable last good values: saved write-behind, read off the hit path. */
public interface LastGoodRepository {
  void save(LastGood value);

  CompletionStage<List<LastGood>> load(String symbol);

  CompletionStage<Optional<LastGood>> find(FetchKey key);

  /** Keeps nothing: for nodes or tests without a database. */
  LastGoodRepository NONE =
      new LastGoodRepository() {
        @Override
        public void save(LastGood value) {}

        @Override
        public CompletionStage<List<LastGood>> load(String symbol) {
          return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public CompletionStage<Optional<LastGood>> find(FetchKey key) {
          return CompletableFuture.completedFuture(Optional.empty());
        }
      };
}
