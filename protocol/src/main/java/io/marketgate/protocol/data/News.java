package io.marketgate.protocol.data;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;

/** News about a symbol (dataset news), newest first, one article per URL. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record News(String symbol, List<Article> articles) {

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Article(
      String title, String source, String url, Instant publishedAt, String description) {}
}
