package io.marketgate.protocol;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every message of the cluster contract survives the CBOR serializer as it would between nodes. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtocolSerializationTest {
  @JUnit5TestKit public final ActorTestKit kit = new JUnit5TestKitBuilder().build();

  private final FetchKey key = FetchKey.of(Dataset.QUOTE, "AAPL");
  private final List<ProviderError> errors =
      List.of(new ProviderError("fmp", ProviderErrorCode.TIMEOUT, "no answer in time"));

  private <T> T roundTrip(T message) {
    return new SerializationTestKit(kit.system()).verifySerialization(message, false);
  }

  @Test
  void commandsRoundTrip() {
    ActorRef<SymbolProtocol.Reply> replyTo = kit.<SymbolProtocol.Reply>createTestProbe().getRef();
    SymbolProtocol.Get get =
        new SymbolProtocol.Get(key, 1000, 3000, new RequestOrigin("client-1", "basic"), replyTo);
    assertEquals(get, roundTrip(get));
    SymbolProtocol.Refetch refetch =
        new SymbolProtocol.Refetch(
            FetchKey.of(
                Dataset.FUNDAMENTALS,
                "AAPL",
                java.util.Map.of("period", "annual", "statement", "income")),
            3000,
            RequestOrigin.DEAD_LETTER_RETRY,
            replyTo);
    assertEquals(refetch, roundTrip(refetch));
  }

  @Test
  void repliesRoundTrip() {
    byte[] data =
        "{\"symbol\":\"AAPL\",\"price\":232.8}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    SymbolProtocol.Answer answer =
        new SymbolProtocol.Answer(
            key,
            data,
            "polygon",
            true,
            false,
            false,
            1738702801000L,
            0.9,
            List.of("fmp", "polygon"),
            true,
            true,
            errors);
    SymbolProtocol.Answer back = roundTrip(answer);
    assertArrayEquals(data, back.data());
    assertEquals(answer.key(), back.key());
    assertEquals("polygon_fallback", back.providerUsed());
    assertEquals(answer.providersAttempted(), back.providersAttempted());
    assertEquals(answer.errors(), back.errors());
    assertEquals(answer.fetchedAtMillis(), back.fetchedAtMillis());
    assertEquals(answer.confidence(), back.confidence());
    assertTrue(
        back.coalesced()
            && back.circuitBreakerTriggered()
            && back.fallback()
            && !back.cached()
            && !back.stale());

    SymbolProtocol.NotFound notFound = new SymbolProtocol.NotFound(key, List.of("fmp"), errors);
    assertEquals(notFound, roundTrip(notFound));
    SymbolProtocol.Unavailable unavailable =
        new SymbolProtocol.Unavailable(key, List.of("fmp"), errors);
    assertEquals(unavailable, roundTrip(unavailable));
  }

  @Test
  void dlqEscalationsRoundTrip() {
    DeadLetterEvents.Escalated escalated =
        new DeadLetterEvents.Escalated("abc123", key, 3, errors, 1738702801000L);
    assertEquals(escalated, roundTrip(escalated));
  }

  @Test
  void fetchKeysAreCanonical() {
    FetchKey a =
        FetchKey.of(
            Dataset.FUNDAMENTALS,
            "AAPL",
            java.util.Map.of("statement", "income", "period", "annual"));
    FetchKey b =
        FetchKey.of(
            Dataset.FUNDAMENTALS,
            "AAPL",
            java.util.Map.of("period", "annual", "statement", "income"));
    assertEquals(a, b);
    assertEquals("period=annual&statement=income", a.params());
    assertEquals("annual", a.param("period", "quarterly"));
    assertEquals("fundamentals:AAPL?period=annual&statement=income", a.toString());
  }

  @Test
  void symbolsAreValidatedAndNormalised() {
    assertEquals("AAPL", Symbols.normalise("aapl").orElseThrow());
    assertEquals("BRK.B", Symbols.normalise("brk.b").orElseThrow());
    assertEquals("^GSPC", Symbols.normalise("^GSPC").orElseThrow());
    for (String bad :
        new String[] {
          "", "A".repeat(16), "../etc", "AAPL;DROP", "\u0000", "ÄPPL", "A..B", ".A", "A B"
        }) {
      assertTrue(Symbols.normalise(bad).isEmpty(), bad);
    }
  }

  @Test
  void aProbeStaysUsableAfterTheRoundTrip() {
    TestProbe<SymbolProtocol.Reply> probe = kit.createTestProbe();
    SymbolProtocol.Get back =
        roundTrip(new SymbolProtocol.Get(key, -1, 3000, RequestOrigin.INTERNAL, probe.getRef()));
    back.replyTo().tell(new SymbolProtocol.NotFound(key, List.of(), List.of()));
    probe.expectMessageClass(SymbolProtocol.NotFound.class);
  }
}
