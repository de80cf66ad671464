package io.marketgate.app.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.junit.jupiter.api.Assertions.*;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.marketgate.app.testkit.Eventually;
import io.marketgate.persistence.quota.ProviderQuota;
import io.marketgate.protocol.ProviderErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.junit.jupiter.api.Test;

/**
 * Key pools over real HTTP: a rate-limited key rests for its cool-down while the other key serves;
 * a rejected key is disabled; with every key resting nothing is sent; and what one provider actor
 * learns about a key, the others hear over the topic.
 */
class KeyPoolTest extends GoldenTest {
  private static final String KEY_A = "pool-key-a-0001";
  private static final String KEY_B = "pool-key-b-0002";

  private ActorRef<ProviderActor.Command> fmp(
      String keys, Optional<ActorRef<Topic.Command<KeyEvents.KeyChanged>>> topic) {
    var settings =
        ProviderHarness.settings(
            "fmp",
            wiremock.baseUrl() + "/stable",
            "marketgate.providers.fmp.api-key = \""
                + keys
                + "\"\nmarketgate.providers.fmp.key-cooldown-seconds = 1");
    return ProviderHarness.spawn(
        kit,
        settings,
        ProviderRegistry.adapterFor(settings).orElseThrow(),
        ProviderQuota.UNLIMITED,
        topic);
  }

  private void answer(String key, int status, String goldenFile) {
    wiremock.stubFor(
        get(urlPathEqualTo("/stable/quote"))
            .withQueryParam("apikey", equalTo(key))
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/json")
                    .withBody(golden(goldenFile))));
  }

  private List<LoggedRequest> callsWith(String key) {
    return wiremock.findAll(
        getRequestedFor(urlPathEqualTo("/stable/quote")).withQueryParam("apikey", equalTo(key)));
  }

  private ProviderOutcome fetch(ActorRef<ProviderActor.Command> provider) {
    return ProviderHarness.fetch(kit, provider, "AAPL");
  }

  @Test
  void aRateLimitedKeyRestsForItsCoolDownWhileTheOtherServes() {
    answer(KEY_A, 429, "fmp/error-limit-reach.json");
    answer(KEY_B, 200, "fmp/stable-quote-aapl.json");
    var provider = fmp(KEY_A + "," + KEY_B, Optional.empty());

    assertEquals(
        ProviderErrorCode.RATE_LIMIT,
        assertInstanceOf(ProviderOutcome.Failed.class, fetch(provider)).error().code());
    assertEquals(1, callsWith(KEY_A).size());
    Eventually.await(
        Duration.ofSeconds(5),
        "key A used again",
        () -> {
          fetch(provider);
          return callsWith(KEY_A).size() == 2;
        });
    List<LoggedRequest> a = callsWith(KEY_A);
    long rested = a.get(1).getLoggedDate().getTime() - a.get(0).getLoggedDate().getTime();
    assertTrue(
        rested >= 1000, "key A was used again after " + rested + " ms, before its 1 s cool-down");
    long bMeanwhile =
        callsWith(KEY_B).stream()
            .filter(
                r ->
                    r.getLoggedDate().after(a.get(0).getLoggedDate())
                        && r.getLoggedDate().before(a.get(1).getLoggedDate()))
            .count();
    assertEquals(callsWith(KEY_B).size(), bMeanwhile, "every call between was served by key B");
    assertTrue(bMeanwhile >= 2);
  }

  @Test
  void withEveryKeyRestingNothingIsSent() {
    answer(KEY_A, 429, "fmp/error-limit-reach.json");
    var provider = fmp(KEY_A, Optional.empty());
    fetch(provider);
    ProviderOutcome.Failed refused =
        assertInstanceOf(ProviderOutcome.Failed.class, fetch(provider));
    assertEquals(ProviderErrorCode.RATE_LIMIT, refused.error().code());
    assertTrue(refused.local(), "decided here");
    assertTrue(
        refused.error().message().startsWith("every key is cooling down"),
        refused.error().message());
    assertEquals(1, callsWith(KEY_A).size());
  }

  @Test
  void aRejectedKeyIsNeverUsedAgain() {
    answer(KEY_A, 401, "fmp/error-invalid-key.json");
    answer(KEY_B, 200, "fmp/stable-quote-aapl.json");
    var provider = fmp(KEY_A + "," + KEY_B, Optional.empty());
    assertEquals(
        ProviderErrorCode.UNAUTHORIZED,
        assertInstanceOf(ProviderOutcome.Failed.class, fetch(provider)).error().code());
    for (int i = 0; i < 5; i++) assertInstanceOf(ProviderOutcome.Fetched.class, fetch(provider));
    assertEquals(1, callsWith(KEY_A).size());

    TestProbe<ProviderStatus> status = kit.createTestProbe();
    provider.tell(new ProviderActor.GetStatus(status.getRef()));
    List<KeyStatus> keys = status.receiveMessage().keys();
    assertEquals("disabled", keys.get(0).state());
    assertEquals("****0001", keys.get(0).key());
    assertEquals("active", keys.get(1).state());
    assertEquals(5, keys.get(1).uses());
  }

  @Test
  void whatOneNodeLearnsAboutAKeyTheOthersHear() {
    answer(KEY_A, 429, "fmp/error-limit-reach.json");
    answer(KEY_B, 200, "fmp/stable-quote-aapl.json");
    ActorRef<Topic.Command<KeyEvents.KeyChanged>> topic =
        kit.spawn(Topic.create(KeyEvents.KeyChanged.class, KeyEvents.TOPIC + "-test"));
    var first = fmp(KEY_A + "," + KEY_B, Optional.of(topic));
    var second = fmp(KEY_A + "," + KEY_B, Optional.of(topic));
    Eventually.await(
        Duration.ofSeconds(5),
        "both subscribed",
        () -> {
          TestProbe<Object> count = kit.createTestProbe();
          topic.tell(Topic.getTopicStats(count.getRef().narrow()));
          return ((Topic.TopicStats) count.receiveMessage()).localSubscriberCount() == 2;
        });

    fetch(first);
    assertEquals(1, callsWith(KEY_A).size());
    Eventually.await(
        Duration.ofSeconds(5),
        "the second actor rests key A",
        () -> {
          TestProbe<ProviderStatus> status = kit.createTestProbe();
          second.tell(new ProviderActor.GetStatus(status.getRef()));
          return status.receiveMessage().keys().get(0).state().equals("cooling");
        });
    assertInstanceOf(ProviderOutcome.Fetched.class, fetch(second));
    assertEquals(1, callsWith(KEY_A).size(), "the second actor went to key B at once");
  }
}
