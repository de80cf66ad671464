package io.marketgate.app.testkit;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The watch itself: a key in a log event or an answer is found. */
class SecretWatchTest {
  @Test
  void aKeyInALogEventOrAnAnswerIsALeak() {
    SecretWatch.assertClean();
    SecretWatch.register("watch-test-key-9999");
    LoggerFactory.getLogger(SecretWatchTest.class)
        .warn("calling https://provider.example/quote?apikey={}", "watch-test-key-9999");
    AssertionError leak = assertThrows(AssertionError.class, SecretWatch::assertClean);
    assertTrue(
        leak.getMessage()
            .contains("log of io.marketgate.app.testkit.SecretWatchTest holds the key ending 9999"),
        leak.getMessage());

    SecretWatch.inspect("answer of /x", "{\"key\":\"watch-test-key-9999\"}");
    assertThrows(AssertionError.class, SecretWatch::assertClean);
    SecretWatch.inspect("answer of /x", "{\"key\":\"****9999\"}");
    SecretWatch.assertClean();
  }
}
