package io.marketgate.app.symbol;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import io.marketgate.app.config.GatewaySettings;
import io.marketgate.app.metrics.Metrics;
import io.marketgate.app.provider.ProviderRegistry;
import io.marketgate.app.sim.Fault;
import io.marketgate.app.sim.ProviderSimulator;
import io.marketgate.app.testkit.TestSpawner;
import io.marketgate.persistence.audit.AuditTrail;
import io.marketgate.persistence.lastgood.LastGoodRepository;
import io.marketgate.persistence.quota.ProviderQuota;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderError;
import io.marketgate.protocol.RequestOrigin;
import io.marketgate.protocol.SymbolProtocol;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The entity on its own: stop message, coalesced waiters and the dead-letter hand-over. */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SymbolEntityTest {
  @JUnit5TestKit public final ActorTestKit kit = new JUnit5TestKitBuilder().build();
  private ProviderSimulator simulator;
  private SymbolEntity.Dependencies deps;
  private ProviderRegistry registry;
  private final List<FetchKey> queued = new ArrayList<>();

  @BeforeAll
  void startProviders() throws Exception {
    var application = ConfigFactory.load();
    simulator =
        ProviderSimulator.start(kit.system(), "127.0.0.1", 0)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    GatewaySettings settings =
        GatewaySettings.fromConfig(application)
            .withProviders(p -> p.servedBySimulator(simulator.baseUrl()));
    Metrics metrics = Metrics.start(application);
    registry =
        ProviderRegistry.start(
                kit.system(),
                TestSpawner.of(kit),
                settings,
                Set.of("fmp", "polygon"),
                metrics,
                AuditTrail.NONE,
                p -> ProviderQuota.UNLIMITED)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    deps =
        new SymbolEntity.Dependencies(
            new FetchPlan(registry),
            settings.cache(),
            Duration.ofMillis(100),
            (FetchKey key, List<ProviderError> errors) -> {
              synchronized (queued) {
                queued.add(key);
              }
            },
            LastGoodRepository.NONE,
            new RefreshPublisher() {
              @Override
              public void refreshed(SymbolProtocol.Answer answer) {}

              @Override
              public void removed(FetchKey key) {}
            },
            Clock.systemUTC());
  }

  @BeforeEach
  void reset() {
    simulator.reset();
    TestProbe<io.marketgate.app.provider.ProviderStatus> status = kit.createTestProbe();
    for (ProviderRegistry.Provider p : registry.all()) {
      p.ref().tell(new io.marketgate.app.provider.ProviderActor.ResetBreaker(status.getRef()));
      status.receiveMessage();
    }
    synchronized (queued) {
      queued.clear();
    }
  }

  private SymbolProtocol.Get get(String symbol, ActorRef<SymbolProtocol.Reply> replyTo) {
    return new SymbolProtocol.Get(
        FetchKey.of(Dataset.QUOTE, symbol),
        SymbolProtocol.DEFAULT_MAX_AGE,
        3000,
        RequestOrigin.INTERNAL,
        replyTo);
  }

  @Test
  void theStopMessageLetsWaitersBeAnsweredFirst() {
    simulator.setFault("fmp", Fault.latency(300));
    ActorRef<SymbolProtocol.Command> entity = kit.spawn(SymbolEntity.create("STOPME", deps));
    TestProbe<SymbolProtocol.Reply> first = kit.createTestProbe();
    TestProbe<SymbolProtocol.Reply> second = kit.createTestProbe();
    entity.tell(get("STOPME", first.getRef()));
    entity.tell(get("STOPME", second.getRef()));
    entity.tell(SymbolEntity.Stop.INSTANCE);

    SymbolProtocol.Answer a = (SymbolProtocol.Answer) first.receiveMessage(Duration.ofSeconds(3));
    SymbolProtocol.Answer b = (SymbolProtocol.Answer) second.receiveMessage(Duration.ofSeconds(3));
    assertFalse(a.coalesced());
    assertTrue(b.coalesced());
    assertSame(a.data(), b.data(), "waiters share the one encoded answer");
    first.expectTerminated(entity, Duration.ofSeconds(3));
    assertEquals(1, simulator.calls().count("fmp"));
  }

  @Test
  void anIdleEntityStopsAtOnce() {
    ActorRef<SymbolProtocol.Command> entity = kit.spawn(SymbolEntity.create("IDLE", deps));
    TestProbe<SymbolProtocol.Reply> probe = kit.createTestProbe();
    entity.tell(SymbolEntity.Stop.INSTANCE);
    probe.expectTerminated(entity, Duration.ofSeconds(3));
  }

  @Test
  void aFailedFetchIsQueuedOnceButARefetchIsNotQueuedAgain() {
    simulator.setFault("fmp", Fault.of(Fault.Mode.UNAVAILABLE));
    simulator.setFault("polygon", Fault.of(Fault.Mode.UNAVAILABLE));
    ActorRef<SymbolProtocol.Command> entity = kit.spawn(SymbolEntity.create("FAILS", deps));
    TestProbe<SymbolProtocol.Reply> probe = kit.createTestProbe();
    entity.tell(get("FAILS", probe.getRef()));
    assertInstanceOf(SymbolProtocol.Unavailable.class, probe.receiveMessage(Duration.ofSeconds(3)));
    entity.tell(
        new SymbolProtocol.Refetch(
            FetchKey.of(Dataset.QUOTE, "FAILS"),
            3000,
            RequestOrigin.DEAD_LETTER_RETRY,
            probe.getRef()));
    assertInstanceOf(SymbolProtocol.Unavailable.class, probe.receiveMessage(Duration.ofSeconds(3)));
    synchronized (queued) {
      assertEquals(List.of(FetchKey.of(Dataset.QUOTE, "FAILS")), queued);
    }
  }

  @Test
  void rightAfterAFailedFetchTheStaleValueIsServedWithoutAskingTheProvidersAgain() {
    ActorRef<SymbolProtocol.Command> entity = kit.spawn(SymbolEntity.create("BACKOFF", deps));
    TestProbe<SymbolProtocol.Reply> probe = kit.createTestProbe();
    entity.tell(get("BACKOFF", probe.getRef()));
    assertFalse(((SymbolProtocol.Answer) probe.receiveMessage()).stale());
    simulator.setFault("fmp", Fault.of(Fault.Mode.UNAVAILABLE));
    simulator.setFault("polygon", Fault.of(Fault.Mode.UNAVAILABLE));
    FetchKey key = FetchKey.of(Dataset.QUOTE, "BACKOFF");

    entity.tell(new SymbolProtocol.Get(key, 0, 3000, RequestOrigin.INTERNAL, probe.getRef()));
    SymbolProtocol.Answer stale = (SymbolProtocol.Answer) probe.receiveMessage();
    assertTrue(stale.stale());
    long callsAfterFailure = simulator.calls().total();
    assertEquals(3, callsAfterFailure, "one good call, then one failed call to each provider");

    entity.tell(new SymbolProtocol.Get(key, 1, 3000, RequestOrigin.INTERNAL, probe.getRef()));
    SymbolProtocol.Answer again = (SymbolProtocol.Answer) probe.receiveMessage();
    assertTrue(again.stale());
    assertEquals(stale.errors(), again.errors(), "the failure that made it stale is reported");
    assertEquals(
        callsAfterFailure, simulator.calls().total(), "no new provider call within the back-off");

    entity.tell(new SymbolProtocol.Get(key, 0, 3000, RequestOrigin.INTERNAL, probe.getRef()));
    assertTrue(((SymbolProtocol.Answer) probe.receiveMessage()).stale());
    assertEquals(
        callsAfterFailure + 2, simulator.calls().total(), "no-cache always asks the providers");
  }

  @Test
  void aRefetchRefreshesTheCache() {
    ActorRef<SymbolProtocol.Command> entity = kit.spawn(SymbolEntity.create("REFRESH", deps));
    TestProbe<SymbolProtocol.Reply> probe = kit.createTestProbe();
    entity.tell(get("REFRESH", probe.getRef()));
    long first = ((SymbolProtocol.Answer) probe.receiveMessage()).fetchedAtMillis();
    entity.tell(
        new SymbolProtocol.Refetch(
            FetchKey.of(Dataset.QUOTE, "REFRESH"),
            3000,
            RequestOrigin.DEAD_LETTER_RETRY,
            probe.getRef()));
    SymbolProtocol.Answer refreshed = (SymbolProtocol.Answer) probe.receiveMessage();
    assertFalse(refreshed.cached());
    entity.tell(get("REFRESH", probe.getRef()));
    SymbolProtocol.Answer hit = (SymbolProtocol.Answer) probe.receiveMessage();
    assertTrue(hit.cached());
    assertEquals(refreshed.fetchedAtMillis(), hit.fetchedAtMillis());
    assertTrue(hit.fetchedAtMillis() >= first);
    assertEquals(2, simulator.calls().count("fmp"));
  }
}
