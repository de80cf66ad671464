package io.marketgate.app.provider;

import com.typesafe.config.ConfigFactory;
import io.marketgate.app.config.GatewaySettings;
import io.marketgate.app.config.ProviderSettings;
import io.marketgate.app.metrics.Metrics;
import io.marketgate.app.testkit.SecretWatch;
import io.marketgate.persistence.audit.AuditTrail;
import io.marketgate.persistence.quota.ProviderQuota;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.RequestOrigin;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.pubsub.Topic;

/** Starts one provider actor against a given base URL, as the registry would. */
final class ProviderHarness {
  private ProviderHarness() {}

  private static final com.typesafe.config.Config APPLICATION = ConfigFactory.load();

  static ProviderSettings settings(String provider, String baseUrl, String extraHocon) {
    String hocon =
        "marketgate.providers."
            + provider
            + ".base-url = \""
            + baseUrl
            + "\"\n"
            + "marketgate.providers."
            + provider
            + ".api-key = \"golden-key-1234\"\n"
            + extraHocon;
    ProviderSettings settings =
        GatewaySettings.fromConfig(
                ConfigFactory.parseString(hocon).withFallback(APPLICATION).resolve())
            .providers()
            .get(provider);
    settings.apiKeys().forEach(SecretWatch::register);
    return settings;
  }

  static ActorRef<ProviderActor.Command> spawn(
      ActorTestKit kit, ProviderSettings settings, ProviderAdapter adapter) {
    return spawn(kit, settings, adapter, ProviderQuota.UNLIMITED, Optional.empty());
  }

  /** With a quota and the topic on which nodes share key health. */
  static ActorRef<ProviderActor.Command> spawn(
      ActorTestKit kit,
      ProviderSettings settings,
      ProviderAdapter adapter,
      ProviderQuota quota,
      Optional<ActorRef<Topic.Command<KeyEvents.KeyChanged>>> keyEvents) {
    return kit.spawn(
        ProviderActor.create(settings, false, adapter, wiring(kit, settings, quota, keyEvents)));
  }

  /** With its supervised part wrapped by {@code wrap} (e.g. a behaviour that fails). */
  static ActorRef<ProviderActor.Command> spawnWrapped(
      ActorTestKit kit,
      ProviderSettings settings,
      UnaryOperator<Behavior<ProviderActor.Command>> wrap) {
    return kit.spawn(
        ProviderActor.create(
            settings,
            false,
            ProviderRegistry.adapterFor(settings).orElseThrow(),
            wiring(kit, settings, ProviderQuota.UNLIMITED, Optional.empty()),
            wrap));
  }

  private static ProviderActor.Wiring wiring(
      ActorTestKit kit,
      ProviderSettings settings,
      ProviderQuota quota,
      Optional<ActorRef<Topic.Command<KeyEvents.KeyChanged>>> keyEvents) {
    ProviderHttpClient http =
        new ProviderHttpClient(
            kit.system(), GatewaySettings.fromConfig(APPLICATION).providerHttp(), settings);
    return new ProviderActor.Wiring(
        http, Metrics.start(APPLICATION), AuditTrail.NONE, quota, keyEvents);
  }

  static ActorRef<ProviderActor.Command> spawn(ActorTestKit kit, ProviderSettings settings) {
    return spawn(kit, settings, ProviderRegistry.adapterFor(settings).orElseThrow());
  }

  static ProviderOutcome fetch(
      ActorTestKit kit, ActorRef<ProviderActor.Command> provider, String symbol) {
    return fetch(kit, provider, FetchKey.of(Dataset.QUOTE, symbol));
  }

  static ProviderOutcome fetch(
      ActorTestKit kit, ActorRef<ProviderActor.Command> provider, FetchKey key) {
    TestProbe<ProviderOutcome> probe = kit.createTestProbe();
    provider.tell(
        new ProviderActor.Fetch(
            key, Duration.ofSeconds(2), RequestOrigin.INTERNAL, probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(5));
  }
}
