package io.marketgate.app.symbol;

import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.SymbolProtocol.Answer;

/** Told by a symbol entity whenever a key's value changes, so that copies elsewhere follow. */
public interface RefreshPublisher {

  /** The key was fetched anew; {@code answer} is its new value as a cache hit. */
  void refreshed(Answer answer);

  /** The providers say the key's symbol does not exist: copies must go. */
  void removed(FetchKey key);
}
