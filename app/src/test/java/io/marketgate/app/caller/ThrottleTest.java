package io.marketgate.app.caller;

import static org.junit.jupiter.api.Assertions.*;

import io.marketgate.app.testkit.Eventually;
import io.marketgate.app.testkit.Http;
import io.marketgate.app.testkit.MetricsScrape;
import io.marketgate.app.testkit.NodeExtension;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-client throttling over real HTTP: a {@code basic} client over its rate gets 429 with a {@code
 * Retry-After} that, when honoured, is enough; a {@code premium} client asking at the same time is
 * not held back. The rate window is shortened to 5 s so that honouring it stays quick.
 */
@ExtendWith(LogCapturingExtension.class)
class ThrottleTest {
  private static final String BASIC = "throttle-basic-key-000001";
  private static final String PREMIUM = "throttle-premium-key-0002";
  private static final int BASIC_LIMIT = 5;

  @RegisterExtension
  static final NodeExtension node =
      NodeExtension.with(
          String.join(
              "\n",
              "marketgate.security.clients = \"" + BASIC + "=basic," + PREMIUM + "=premium\"",
              "marketgate.security.rate-window = 5s",
              "marketgate.security.throttle-audit-sample = 1.0",
              "marketgate.security.profiles.basic.rate-limit = " + BASIC_LIMIT,
              "marketgate.security.profiles.premium.rate-limit = 1000"));

  private static Http.Answer quote(String key) {
    return Http.get(node.url("/api/v1/quotes/THRT"), "X-API-Key", key);
  }

  @Test
  void aBasicClientOverItsRateIsToldWhenToComeBackWhilePremiumIsServed()
      throws InterruptedException {
    double throttledBefore =
        MetricsScrape.fetch(node, "throttled_total", "tier", "basic").orElse(0.0);
    for (int i = 0; i < BASIC_LIMIT; i++)
      assertEquals(200, quote(BASIC).status(), "request " + (i + 1) + " is within the limit");

    Http.Answer refused = quote(BASIC);
    assertEquals(429, refused.status(), refused.body());
    assertEquals("application/problem+json", refused.header("Content-Type"));
    assertEquals("/problems/throttled", refused.json().get("type").asText());
    long retryAfter = Long.parseLong(refused.header("Retry-After"));
    assertTrue(
        retryAfter >= 1 && retryAfter <= 12,
        "Retry-After within the counted span (5 s window + lease TTL + margin): " + retryAfter);

    for (int i = 0; i < 20; i++)
      assertEquals(200, quote(PREMIUM).status(), "premium is not throttled meanwhile");
    assertEquals(429, quote(BASIC).status(), "still over the limit before Retry-After");

    // The client honours Retry-After: waiting exactly as long as it was told is the behaviour under
    // test.
    Thread.sleep(Duration.ofSeconds(retryAfter).toMillis());
    Http.Answer afterwards = quote(BASIC);
    assertEquals(200, afterwards.status(), "honouring Retry-After succeeds: " + afterwards.body());

    Eventually.await(
        Duration.ofSeconds(10),
        "throttled_total counted and the decision audited",
        () ->
            MetricsScrape.fetch(node, "throttled_total", "tier", "basic").orElse(0.0)
                    >= throttledBefore + 2
                && node.adminGet("/api/v1/audit?action=throttled").json().get("total").asInt()
                    >= 2);
    var event = node.adminGet("/api/v1/audit?action=throttled").json().get("events").get(0);
    assertEquals("basic", event.get("rights_profile").asText());
    assertFalse(event.get("allowed").asBoolean());
  }
}
