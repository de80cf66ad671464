package io.marketgate.app.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderErrorCode;
import io.marketgate.protocol.data.News;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Recorded NewsAPI.org answers of {@code /everything} and {@code /top-headlines} served over real
 * HTTP: the request with its {@code X-Api-Key} header, the articles field by field, taken-down
 * {@code "[Removed]"} articles skipped, and each error code.
 */
class NewsApiGoldenTest extends GoldenTest {

  private ActorRef<ProviderActor.Command> newsapi(String extra) {
    return provider("newsapi", "", extra);
  }

  private static News news(ProviderOutcome outcome) {
    return roundTripped(outcome, "newsapi", News.class);
  }

  @Test
  void everything() {
    wiremock.stubFor(
        get(urlPathEqualTo("/everything"))
            .willReturn(okJson(golden("newsapi/everything-bitcoin.json"))));
    News n = news(ProviderHarness.fetch(kit, newsapi(""), FetchKey.of(Dataset.NEWS, "AAPL")));

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/everything"))
            .withQueryParam("q", equalTo("AAPL"))
            .withQueryParam("sortBy", equalTo("publishedAt"))
            .withQueryParam("language", equalTo("en"))
            .withQueryParam("pageSize", equalTo("20"))
            .withoutQueryParam("apiKey")
            .withHeader("X-Api-Key", equalTo("golden-key-1234")));
    assertEquals("AAPL", n.symbol());
    assertEquals(3, n.articles().size());
    News.Article first = n.articles().get(0);
    assertEquals("Mladé nezajímá zlato, investují raději do Bitcoinu", first.title());
    assertEquals("Cdr.cz", first.source());
    assertEquals(
        "https://cdr.cz/clanek/mlade-nezajima-zlato-investuji-radeji-do-bitcoinu", first.url());
    assertEquals(Instant.parse("2020-08-09T07:00:00Z"), first.publishedAt());
    assertTrue(
        first.description().startsWith("Odpradávna se lidstvo uchylovalo ke zlatu"),
        first.description());
    News.Article third = n.articles().get(2);
    assertEquals("What exactly is P2P Bitcoin Exchange and Why You S", third.title());
    assertEquals("Slashdot.org", third.source());
    assertEquals(Instant.parse("2020-08-09T05:58:26Z"), third.publishedAt());
  }

  @Test
  void removedArticlesAreSkipped() {
    wiremock.stubFor(
        get(urlPathEqualTo("/everything"))
            .willReturn(okJson(golden("newsapi/everything-with-removed.json"))));
    News n = news(ProviderHarness.fetch(kit, newsapi(""), FetchKey.of(Dataset.NEWS, "AAPL")));

    assertEquals(2, n.articles().size());
    assertEquals(
        List.of(
            "Some of our favorite Bose headphones and earbuds are back to all-time low prices",
            "Acer launches two all-new 14-inch gaming laptops alongside updated 16-inch models"),
        n.articles().stream().map(News.Article::title).toList());
    assertTrue(n.articles().stream().noneMatch(a -> a.url().equals("https://removed.com")));
    assertEquals("Yahoo Entertainment", n.articles().get(1).source());
    assertEquals(Instant.parse("2024-04-09T16:00:47Z"), n.articles().get(1).publishedAt());
  }

  @Test
  void topHeadlines() {
    wiremock.stubFor(
        get(urlPathEqualTo("/top-headlines"))
            .willReturn(okJson(golden("newsapi/top-headlines.json"))));
    News n =
        news(
            ProviderHarness.fetch(
                kit,
                newsapi("marketgate.providers.newsapi.endpoint = top-headlines"),
                FetchKey.of(Dataset.NEWS, "AAPL")));

    wiremock.verify(
        getRequestedFor(urlPathEqualTo("/top-headlines"))
            .withQueryParam("q", equalTo("AAPL"))
            .withQueryParam("category", equalTo("business"))
            .withQueryParam("pageSize", equalTo("20"))
            .withHeader("X-Api-Key", equalTo("golden-key-1234")));
    assertEquals(0, wiremock.findAll(getRequestedFor(urlPathEqualTo("/everything"))).size());
    assertEquals(3, n.articles().size());
    News.Article first = n.articles().get(0);
    assertEquals(
        "Coronavirus Live Updates: Latest News and Analysis - The New York Times", first.title());
    assertEquals("New York Times", first.source());
    assertEquals("https://www.nytimes.com/2020/06/27/world/coronavirus-updates.html", first.url());
    assertEquals(Instant.parse("2020-06-27T16:25:09Z"), first.publishedAt());
    assertTrue(
        first
            .description()
            .startsWith("China says it has largely contained a recent outbreak in Beijing."),
        first.description());
    assertEquals("Page Six", n.articles().get(2).source());
  }

  @ParameterizedTest(name = "{0} HTTP {1} -> {2}")
  @CsvSource({
    "newsapi/error-api-key-invalid.json, 401, UNAUTHORIZED",
    "newsapi/error-rate-limited.json, 429, RATE_LIMIT",
    "newsapi/error-maximum-results-reached.json, 426, NOT_ENTITLED",
  })
  void errorBodiesMapToTheirCodes(String file, int status, ProviderErrorCode code) {
    wiremock.stubFor(
        get(urlPathEqualTo("/everything"))
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/json; charset=utf-8")
                    .withBody(golden(file))));
    var outcome = ProviderHarness.fetch(kit, newsapi(""), FetchKey.of(Dataset.NEWS, "AAPL"));
    ProviderOutcome.Failed failed = assertInstanceOf(ProviderOutcome.Failed.class, outcome);
    assertEquals(code, failed.error().code(), failed.error().message());
    assertEquals("newsapi", failed.error().provider());
  }

  @Test
  void answerWithoutArticlesIsInvalid() {
    wiremock.stubFor(
        get(urlPathEqualTo("/everything"))
            .willReturn(okJson("{\"status\": \"ok\", \"totalResults\": 0}")));
    var outcome = ProviderHarness.fetch(kit, newsapi(""), FetchKey.of(Dataset.NEWS, "AAPL"));
    assertEquals(
        ProviderErrorCode.INVALID_RESPONSE,
        assertInstanceOf(ProviderOutcome.Failed.class, outcome).error().code());
  }
}
