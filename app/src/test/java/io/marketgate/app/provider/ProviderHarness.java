package io.marketgate.app.provider;

import com.typesafe.config.ConfigFactory;
import io.marketgate.app.config.GatewaySettings;
import io.marketgate.app.config.ProviderSettings;
import io.marketgate.app.metrics.Metrics;
import io.marketgate.persistence.audit.AuditTrail;
import io.marketgate.persistence.quota.ProviderQuota;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.RequestOrigin;
import io.marketgate.protocol.FetchKey;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;

/** Starts one provider actor against a given base URL, as the registry would. */
final class ProviderHarness {
  private ProviderHarness() {}

  private static final com.typesafe.config.Config APPLICATION = ConfigFactory.load();

  static ProviderSettings settings(String provider, String baseUrl, String extraHocon) {
    String hocon =
        "marketgate.providers." + provider + ".base-url = \"" + baseUrl + "\"\n"
            + "marketgate.providers." + provider + ".api-key = \"golden-key-1234\"\n"
            + extraHocon;
    return GatewaySettings.fromConfig(ConfigFactory.parseString(hocon).withFallback(APPLICATION).resolve())
        .providers()
        .get(provider);
  }

  static ActorRef<ProviderActor.Command> spawn(ActorTestKit kit, ProviderSettings settings, ProviderAdapter adapter) {
    ProviderHttpClient http =
        new ProviderHttpClient(kit.system(), GatewaySettings.fromConfig(APPLICATION).providerHttp(), settings.timeout());
    return kit.spawn(ProviderActor.create(settings, false, adapter,
        new ProviderActor.Wiring(http, Metrics.start(APPLICATION), AuditTrail.NONE, ProviderQuota.UNLIMITED, Optional.empty())));
  }

  static ActorRef<ProviderActor.Command> spawn(ActorTestKit kit, ProviderSettings settings) {
    return spawn(kit, settings, ProviderRegistry.adapterFor(settings).orElseThrow());
  }

  static ProviderActor.Outcome fetch(ActorTestKit kit, ActorRef<ProviderActor.Command> provider, String symbol) {
    return fetch(kit, provider, FetchKey.of(Dataset.QUOTE, symbol));
  }

  static ProviderActor.Outcome fetch(ActorTestKit kit, ActorRef<ProviderActor.Command> provider, FetchKey key) {
    TestProbe<ProviderActor.Outcome> probe = kit.createTestProbe();
    provider.tell(new ProviderActor.Fetch(key, Duration.ofSeconds(2), RequestOrigin.INTERNAL, probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(5));
  }
}
