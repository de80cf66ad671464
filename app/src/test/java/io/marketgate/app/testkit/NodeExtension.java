package io.marketgate.app.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.marketgate.app.Main;
import io.marketgate.app.sim.ProviderSimulator;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One node for a test class: started before its tests ({@link TestNode#start(String)} with the
 * given HOCON), stopped after them, its simulator optionally reset before each test and its first
 * fetch optionally made up front (it starts the shard region, the journal and the HTTP client,
 * which a test of timing or coalescing must not measure). Use it as a static field with
 * {@code @RegisterExtension}.
 */
public final class NodeExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
  private final String overrides;
  private String warmSymbol;
  private boolean resetSimulator;
  private TestNode node;

  private NodeExtension(String overrides) {
    this.overrides = overrides;
  }

  /** A node with these HOCON lines over the test defaults. */
  public static NodeExtension with(String... hocon) {
    return new NodeExtension(String.join("\n", hocon));
  }

  /** Fetches this symbol's quote once before the tests. */
  public NodeExtension warmedWith(String symbol) {
    this.warmSymbol = symbol;
    return this;
  }

  /** Resets the simulator's faults and call log before each test. */
  public NodeExtension resettingSimulator() {
    this.resetSimulator = true;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    node = TestNode.start(overrides);
    if (warmSymbol != null) {
      assertEquals(200, Http.get(node.url("/api/v1/quotes/" + warmSymbol)).status(), "warm-up");
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (resetSimulator) node.simulator().reset();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (node != null) node.close();
  }

  public TestNode testNode() {
    return node;
  }

  public String url(String path) {
    return node.url(path);
  }

  public String metricsUrl() {
    return node.metricsUrl();
  }

  public ProviderSimulator simulator() {
    return node.simulator();
  }

  public Main.RunningNode node() {
    return node.node();
  }

  public ActorSystem<Void> system() {
    return node.system();
  }

  public Http.Answer adminGet(String path) {
    return node.adminGet(path);
  }

  public Http.Answer adminPost(String path, String body) {
    return node.adminPost(path, body);
  }
}
