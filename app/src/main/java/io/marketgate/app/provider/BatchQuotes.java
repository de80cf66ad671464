package io.marketgate.app.provider;

import java.util.List;
import java.util.Map;

/** An adapter whose provider answers quotes for several symbols in one call. */
public interface BatchQuotes {

  /** How many symbols one call may carry. */
  int maxBatchSize();

  ProviderRequest batchRequest(List<String> symbols, String apiKey);

  /**
   * One result per symbol asked for: a symbol the answer leaves out is NOT_FOUND; an error of the
   * whole answer is that error for every symbol.
   */
  Map<String, AdapterResult> parseBatch(List<String> symbols, int status, byte[] body);
}
