package io.marketgate.app.http;

import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.NodeExtension;
import io.marketgate.app.testkit.RawHttp;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Input is checked before anything else runs: bad symbols never reach a provider. */
@ExtendWith(LogCapturingExtension.class)
class SymbolValidationTest {
  @RegisterExtension static final NodeExtension node = NodeExtension.with();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "..%2Fetc",
        "%2E%2E%2Fetc%2Fpasswd",
        "AAPL;DROP",
        "AAPL%3BDROP",
        "%00",
        "AAPL%00",
        "%C3%84PPL",
        "%E6%97%A5%E6%9C%AC",
        "AA%20PL",
        "-AAPL",
        "AAPL/extra"
      })
  void badSymbolsAre400ProblemsAndCallNoProvider(String raw) {
    long before = node.simulator().calls().total();
    Http.Answer answer = Http.get(node.url("/api/v1/quotes/" + raw));
    assertEquals(400, answer.status(), raw + " -> " + answer.body());
    assertEquals("application/problem+json", answer.header("Content-Type"));
    assertEquals("/problems/invalid-symbol", answer.json().get("type").asText());
    assertEquals(400, answer.json().get("status").asInt());
    assertEquals(before, node.simulator().calls().total(), "no provider call for " + raw);
  }

  /**
   * Dot segments sent literally are removed by URI normalisation (RFC 3986 §5.2.4) before routing:
   * {@code /api/v1/quotes/../etc} is the path {@code /api/v1/etc}, which does not exist. As a
   * symbol, "../etc" can only be sent percent-encoded, which the test above answers with 400.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/v1/quotes/../etc",
        "/api/v1/quotes/../../etc/passwd",
        "/api/v1/quotes/./../etc"
      })
  void literalPathTraversalNeverReachesTheQuoteRoute(String target) {
    long before = node.simulator().calls().total();
    RawHttp.Response response = RawHttp.get(node.node().http().getPort(), target);
    assertEquals(404, response.status(), response.text());
    assertTrue(response.text().contains("application/problem+json"));
    assertEquals(before, node.simulator().calls().total());
  }

  @Test
  void lowerCaseIsNormalised() {
    Http.Answer answer = Http.get(node.url("/api/v1/quotes/msft"));
    assertEquals(200, answer.status());
    assertEquals("MSFT", answer.json().get("symbol").asText());
    assertEquals("MSFT", answer.json().at("/data/symbol").asText());
    Http.Answer again = Http.get(node.url("/api/v1/quotes/MSFT"));
    assertTrue(again.json().get("cached").asBoolean(), "msft and MSFT are one entity");
  }

  @Test
  void realTickerShapesAreAccepted() {
    for (String symbol : new String[] {"BRK.B", "BRK-B", "%5EGSPC", "EURUSD=X"}) {
      assertEquals(200, Http.get(node.url("/api/v1/quotes/" + symbol)).status(), symbol);
    }
  }

  @Test
  void unknownRoutesAndMethodsAreProblems() {
    Http.Answer notFound = Http.get(node.url("/api/v1/nothing-here"));
    assertEquals(404, notFound.status());
    assertEquals("application/problem+json", notFound.header("Content-Type"));
    Http.Answer wrongMethod = Http.post(node.url("/api/v1/providers"), "{}");
    assertEquals(405, wrongMethod.status());
    assertEquals("application/problem+json", wrongMethod.header("Content-Type"));
  }
}
