package io.marketgate.app.symbol;

import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.protocol.data.News;
import io.marketgate.protocol.data.SymbolSearch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MergingTest {
  private static News.Article article(String url, String source, String at) {
    return new News.Article("t " + url, source, url, at == null ? null : Instant.parse(at), null);
  }

  @Test
  void newsIsOneArticlePerUrlNewestFirstTheFirstSourceKeepingSharedOnes() {
    News first =
        new News(
            "AAPL",
            List.of(
                article("https://a.example/1", "first", "2026-11-20T10:00:00Z"),
                article("https://shared.example/story", "first", "2026-11-21T09:00:00Z")));
    News second =
        new News(
            "AAPL",
            List.of(
                article("https://shared.example/story/", "second", "2026-11-21T09:00:05Z"),
                article("https://shared.example/story#comments", "second", "2026-11-21T09:00:05Z"),
                article("https://b.example/undated", "second", null),
                article("https://b.example/2", "second", "2026-11-22T08:00:00Z")));

    News merged = (News) Merging.merge("AAPL", List.of(first, second));

    assertEquals("AAPL", merged.symbol());
    assertEquals(
        List.of(
            "https://b.example/2",
            "https://shared.example/story",
            "https://a.example/1",
            "https://b.example/undated"),
        merged.articles().stream().map(News.Article::url).toList(),
        "newest first, undated last");
    assertEquals("first", merged.articles().get(1).source());
  }

  @Test
  void atMostFiftyArticles() {
    List<News.Article> many = new ArrayList<>();
    for (int i = 0; i < 80; i++)
      many.add(
          article(
              "https://x.example/" + i, "s", Instant.ofEpochSecond(1_700_000_000L + i).toString()));
    News merged = (News) Merging.merge("AAPL", List.of(new News("AAPL", many)));
    assertEquals(Merging.MAX_ARTICLES, merged.articles().size());
    assertEquals("https://x.example/79", merged.articles().get(0).url());
  }

  @Test
  void otherDatasetsTakeTheFirstAnswerInPriorityOrder() {
    SymbolSearch a = new SymbolSearch("apple", List.of());
    SymbolSearch b =
        new SymbolSearch(
            "apple", List.of(new SymbolSearch.Match("AAPL", "Apple", "NASDAQ", "CS", "USD")));
    assertSame(a, Merging.merge("apple", List.of(a, b)));
  }
}
