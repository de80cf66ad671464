package io.marketgate.app.provider;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import io.marketgate.app.config.GatewaySettings;
import io.marketgate.app.config.RetryBudgetSettings;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Dead-letter retries take a bounded share of each provider's rate, split among the nodes. */
class ProviderRetryBudgetTest {
  private final AtomicLong now = new AtomicLong(0);
  private final AtomicInteger nodes = new AtomicInteger(1);
  private final FetchKey quote = FetchKey.of(Dataset.QUOTE, "AAPL");

  private ProviderRetryBudget budget(String hocon) {
    GatewaySettings settings =
        GatewaySettings.fromConfig(
            ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()).resolve());
    return new ProviderRetryBudget(
        settings.providers().values(),
        settings::providersFor,
        new RetryBudgetSettings(0.2, 300),
        nodes::get,
        now::get);
  }

  private int permitsOver(ProviderRetryBudget budget, long seconds) {
    int granted = 0;
    for (long ms = 0; ms < seconds * 1000; ms += 10) {
      now.addAndGet(10_000_000L);
      while (budget.tryAcquire(quote)) granted++;
    }
    return granted;
  }

  @Test
  void aProviderWithARateLimitGivesRetriesItsShare() {
    // FMP allows 30 calls a minute: retries may use 6 of them; Polygon has no limit (300 assumed:
    // 60).
    ProviderRetryBudget budget = budget("marketgate.providers.fmp.rate-limit = 30");
    int granted = permitsOver(budget, 60);
    assertTrue(
        granted >= 6 && granted <= 7,
        "a quote retry needs both providers; FMP's share bounds it: " + granted);
  }

  @Test
  void theShareIsSplitAmongTheUpNodes() {
    ProviderRetryBudget budget = budget("");
    int alone = permitsOver(budget, 60);
    nodes.set(3);
    int withThree = permitsOver(budget, 60);
    assertTrue(alone >= 59 && alone <= 61, "60 a minute on one node: " + alone);
    assertTrue(withThree >= 19 && withThree <= 21, "a third of it with three nodes: " + withThree);
  }

  @Test
  void overBudgetARetryWaits() {
    ProviderRetryBudget budget = budget("");
    assertTrue(budget.tryAcquire(quote));
    assertFalse(budget.tryAcquire(quote), "no second permit at the same instant");
    assertTrue(budget.retryAfter().toMillis() > 0);
    now.addAndGet(1_000_000_000L);
    assertTrue(budget.tryAcquire(quote), "a second later there is one again");
  }
}
