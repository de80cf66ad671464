package io.marketgate.protocol;

import com.typesafe.config.Config;
import java.util.List;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.JoinConfigCompatChecker;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Pekko's join check compares the downing provider, the resolver's strategy and the number of
 * shards itself; this adds the rest of {@code marketgate-cluster.conf} that decides how the cluster
 * downs and moves members, so that a JVM that differs is refused at the join rather than deciding
 * differently later. Registered in {@code marketgate-cluster.conf}.
 */
public final class SharedClusterSettingsCheck extends JoinConfigCompatChecker {
  private static final Seq<String> KEYS =
      CollectionConverters.asScala(
              List.of(
                  "pekko.cluster.split-brain-resolver.keep-majority.role",
                  "pekko.cluster.split-brain-resolver.stable-after",
                  "pekko.cluster.down-removal-margin",
                  "pekko.cluster.failure-detector.acceptable-heartbeat-pause"))
          .toList();

  @Override
  public Seq<String> requiredKeys() {
    return KEYS;
  }

  @Override
  public ConfigValidation check(Config toCheck, Config actualConfig) {
    return JoinConfigCompatChecker.fullMatch(KEYS, toCheck, actualConfig);
  }
}
