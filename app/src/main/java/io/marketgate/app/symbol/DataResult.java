package io.marketgate.app.symbol;

import io.marketgate.protocol.SymbolProtocol.Answer;

/** What a data request answers: data, or a problem. */
public sealed interface DataResult {
  /**
   * @param direct fetched by this node itself while the key's entity was unreachable
   */
  record Served(Answer answer, boolean direct) implements DataResult {
    public Served(Answer answer) {
      this(answer, false);
    }
  }

  record Refused(DataProblem problem) implements DataResult {}
}
