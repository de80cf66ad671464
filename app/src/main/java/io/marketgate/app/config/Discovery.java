package io.marketgate.app.config;

import java.util.Locale;

/** How a node finds the rest of its cluster (MARKETGATE_DISCOVERY). */
public enum Discovery {
  /** Join itself: a one-node cluster. */
  SELF,
  /** Join the configured seed nodes. */
  SEEDS,
  /** Pekko Management Cluster Bootstrap with Kubernetes API pod discovery. */
  KUBERNETES_API;

  static Discovery parse(String value, boolean seedsConfigured) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "" -> seedsConfigured ? SEEDS : SELF;
      case "self" -> SELF;
      case "seeds" -> SEEDS;
      case "kubernetes-api" -> KUBERNETES_API;
      default ->
          throw new IllegalArgumentException(
              "MARKETGATE_DISCOVERY must be self, seeds or kubernetes-api, not '" + value + "'");
    };
  }
}
