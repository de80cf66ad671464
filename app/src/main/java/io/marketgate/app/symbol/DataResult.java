package io.marketgate.app.symbol;

import io.marketgate.protocol.SymbolProtocol.Answer;

/** What a data request answers: data, or a problem. */
public sealed interface DataResult {
  record Served(Answer answer) implements DataResult {}

  record Refused(DataProblem problem) implements DataResult {}
}
