package io.marketgate.app.http;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code http/} only translates HTTP: what a data request answers lives in {@code symbol/}. No
 * route class may reach the near-cache, the last-good store, the symbol entities or the provider
 * actors' fetches; only the operations and cluster routes read provider status and sharding
 * statistics.
 */
class HttpLayerImportsTest {
  private static final Path HTTP = Path.of("src/main/java/io/marketgate/app/http");
  private static final Set<String> STATUS_ROUTES =
      Set.of("OperationsRoutes.java", "ClusterRoutes.java");

  /** No class of http/ may import these (static imports included). */
  private static final List<String> FORBIDDEN_EVERYWHERE =
      List.of(
          "io.marketgate.app.nearcache.",
          "io.marketgate.app.symbol.NearCache",
          "io.marketgate.app.symbol.SymbolEntity",
          "io.marketgate.app.symbol.FetchPlan",
          "io.marketgate.app.symbol.DirectFetches",
          "io.marketgate.persistence.lastgood.",
          "org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef",
          "io.marketgate.protocol.SymbolProtocol.Get");

  /** Only the status routes may import these. */
  private static final List<String> FORBIDDEN_IN_DATA_ROUTES =
      List.of("io.marketgate.app.provider.", "org.apache.pekko.cluster.sharding.");

  @Test
  void routesReachDataOnlyThroughTheGateway() throws IOException {
    List<String> violations = new ArrayList<>();
    int checked = 0;
    try (Stream<Path> files = Files.list(HTTP)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        boolean statusRoute = STATUS_ROUTES.contains(file.getFileName().toString());
        checked++;
        for (String line : Files.readAllLines(file)) {
          if (!line.startsWith("import ")) continue;
          String imported = line.substring("import ".length()).replace("static ", "").trim();
          for (String forbidden : FORBIDDEN_EVERYWHERE) {
            if (imported.startsWith(forbidden)) violations.add(file.getFileName() + ": " + line);
          }
          for (String forbidden : statusRoute ? List.<String>of() : FORBIDDEN_IN_DATA_ROUTES) {
            if (imported.startsWith(forbidden)) violations.add(file.getFileName() + ": " + line);
          }
        }
      }
    }
    assertTrue(checked >= 10, "the http/ sources were found: " + checked);
    assertEquals(List.of(), violations);
  }
}
