package io.marketgate.protocol.data;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** Symbols matching a query (dataset search). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SymbolSearch(String query, List<Match> matches) {

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Match(String symbol, String name, String exchange, String type, String currency) {}
}
