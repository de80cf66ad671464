package io.marketgate.app.stream.polygon;

import io.marketgate.app.config.StreamSettings;
import io.marketgate.app.provider.KeyFingerprint;
import io.marketgate.app.stream.StreamProvider;
import io.marketgate.app.stream.UpstreamSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.RestartSettings;

/** Polygon's stocks WebSocket for one key: Polygon allows one connection per key. */
public final class PolygonStreamProvider implements StreamProvider {
  private final String url;
  private final String key;
  private final StreamSettings settings;

  public PolygonStreamProvider(String url, String key, StreamSettings settings) {
    this.url = url;
    this.key = key;
    this.settings = settings;
  }

  @Override
  public String name() {
    return PolygonFrames.SOURCE;
  }

  @Override
  public String credential() {
    return KeyFingerprint.of(key);
  }

  @Override
  public UpstreamSource open(ActorSystem<?> system, Runnable onReconnect) {
    return new PolygonStreamSource(
        system,
        new PolygonStreamSource.Settings(
            url,
            RestartSettings.create(settings.minBackoff(), settings.maxBackoff(), 0.2),
            settings.idleTimeout(),
            settings.keepAlive()),
        key,
        onReconnect);
  }

  @Override
  public String toString() {
    return "PolygonStreamProvider[" + url + ", key " + credential() + "]";
  }
}
