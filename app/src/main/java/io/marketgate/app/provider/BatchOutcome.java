package io.marketgate.app.provider;

import io.marketgate.protocol.FetchKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;

/** One outcome per key of a multi-symbol call. */
public record BatchOutcome(Map<FetchKey, ProviderOutcome> outcomes)
    implements NoSerializationVerificationNeeded {

  /** The same outcome for every key. */
  static BatchOutcome all(List<FetchKey> keys, ProviderOutcome outcome) {
    Map<FetchKey, ProviderOutcome> outcomes = new LinkedHashMap<>();
    for (FetchKey k : keys) outcomes.put(k, outcome);
    return new BatchOutcome(outcomes);
  }
}
