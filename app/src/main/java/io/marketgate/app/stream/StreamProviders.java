package io.marketgate.app.stream;

import io.marketgate.protocol.stream.UpstreamProtocol;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stream providers of this node by name, filled at start-up from configuration. Every node of a
 * cluster is configured alike, so whichever node owns a connection can open it.
 */
public final class StreamProviders {
  private final Map<String, StreamProvider> byName = new LinkedHashMap<>();

  public StreamProviders(List<StreamProvider> providers) {
    for (StreamProvider p : providers) {
      if (byName.putIfAbsent(p.name(), p) != null)
        throw new IllegalArgumentException("two stream providers named " + p.name());
    }
  }

  public Optional<StreamProvider> named(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The provider whose connection an {@code UpstreamConnection} entity id names. */
  public Optional<StreamProvider> ofEntity(String entityId) {
    return byName.values().stream()
        .filter(p -> UpstreamProtocol.entityId(p.name(), p.credential()).equals(entityId))
        .findFirst();
  }

  public Collection<StreamProvider> all() {
    return byName.values();
  }
}
