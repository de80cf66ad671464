package io.marketgate.app.symbol;

import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderError;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.SymbolProtocol;
import java.util.List;

/**
 * Why a data request gets no data, as the HTTP layer answers it (RFC 7807: status, {@code type}
 * slug, title, detail, and the providers' errors). The one mapping from outcomes to problems.
 */
public record DataProblem(
    int status, String type, String title, String detail, List<ProviderError> errors) {

  static DataProblem of(int status, String type, String title, String detail) {
    return new DataProblem(status, type, title, detail, List.of());
  }

  /** What a reply that is not data means; {@code reply} null: the entity did not answer in time. */
  public static DataProblem of(SymbolProtocol.Reply reply, FetchKey key) {
    if (reply instanceof SymbolProtocol.NotFound nf) {
      return new DataProblem(
          404, "unknown-symbol", "Not Found", "No provider knows " + key.symbol(), nf.errors());
    }
    if (reply == null) {
      return new DataProblem(
          503,
          "entity-unreachable",
          "Service Unavailable",
          "No answer for " + key.symbol() + " within the request deadline and no stored value",
          List.of(unanswered(key)));
    }
    return new DataProblem(
        503,
        "providers-unavailable",
        "Service Unavailable",
        "No provider could answer " + key + " and nothing is stored",
        reply.errors());
  }

  /** The error a request records when its symbol's entity did not answer in time. */
  static ProviderError unanswered(FetchKey key) {
    return new ProviderError(
        "gateway",
        ProviderErrorCode.TIMEOUT,
        "the entity of " + key.symbol() + " did not answer in time");
  }

  public static DataProblem noProvider(Dataset dataset) {
    return of(
        503,
        "dataset-unavailable",
        "Service Unavailable",
        "No provider serves "
            + dataset.wireName()
            + " on this node: configure one of its providers (see README, Providers)");
  }

  public static DataProblem batchFailed() {
    return of(
        503, "batch-failed", "Service Unavailable", "The batch could not be completed; try again");
  }
}
