package io.marketgate.app.symbol;

import io.marketgate.protocol.data.News;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How answers of several providers become one, for datasets fetched in merge mode. News: one
 * article per URL (the first provider in priority order keeps it), newest first, at most {@value
 * #MAX_ARTICLES}. Any other dataset: the first answer in priority order.
 */
final class Merging {
  static final int MAX_ARTICLES = 50;

  private Merging() {}

  /**
   * @param records answers in the dataset's priority order
   */
  static Object merge(String symbol, List<Object> records) {
    if (records.stream().allMatch(r -> r instanceof News)) {
      Map<String, News.Article> byUrl = new LinkedHashMap<>();
      for (Object r : records) {
        for (News.Article a : ((News) r).articles()) byUrl.putIfAbsent(normalise(a.url()), a);
      }
      List<News.Article> articles = new ArrayList<>(byUrl.values());
      articles.sort(
          Comparator.comparing(
              News.Article::publishedAt, Comparator.nullsLast(Comparator.<Instant>reverseOrder())));
      return new News(
          symbol,
          articles.size() > MAX_ARTICLES
              ? List.copyOf(articles.subList(0, MAX_ARTICLES))
              : articles);
    }
    return records.get(0);
  }

  /** The same article linked with or without a trailing slash or fragment is one article. */
  private static String normalise(String url) {
    String u = url.trim();
    int hash = u.indexOf('#');
    if (hash >= 0) u = u.substring(0, hash);
    return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
  }
}
