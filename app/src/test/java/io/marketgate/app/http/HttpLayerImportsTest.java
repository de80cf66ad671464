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
 * {@code http/} only translates HTTP: what a data request answers lives in {@code symbol/}. The
 * data-route classes may not reach the near-cache, the last-good store, sharding or the providers;
 * only the operations and cluster routes read provider and cluster status.
 */
class HttpLayerImportsTest {
  private static final Path HTTP = Path.of("src/main/java/io/marketgate/app/http");
  private static final Set<String> STATUS_ROUTES =
      Set.of("OperationsRoutes.java", "ClusterRoutes.java");
  private static final List<String> FORBIDDEN =
      List.of(
          "import io.marketgate.app.nearcache.",
          "import io.marketgate.persistence.lastgood.",
          "import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;",
          "import io.marketgate.app.provider.");

  @Test
  void dataRoutesImportNeitherCachesNorShardingNorProviders() throws IOException {
    List<String> violations = new ArrayList<>();
    int checked = 0;
    try (Stream<Path> files = Files.list(HTTP)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        if (STATUS_ROUTES.contains(file.getFileName().toString())) continue;
        checked++;
        for (String line : Files.readAllLines(file)) {
          for (String forbidden : FORBIDDEN) {
            if (line.startsWith(forbidden)) violations.add(file.getFileName() + ": " + line);
          }
        }
      }
    }
    assertTrue(checked >= 10, "the http/ sources were found: " + checked);
    assertEquals(List.of(), violations);
  }
}
