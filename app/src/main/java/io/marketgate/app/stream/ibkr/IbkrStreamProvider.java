package io.marketgate.app.stream.ibkr;

import io.marketgate.app.config.StreamSettings;
import io.marketgate.app.provider.KeyFingerprint;
import io.marketgate.app.stream.StreamProvider;
import io.marketgate.app.stream.UpstreamSource;
import io.marketgate.app.stream.WebSocketSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.RestartSettings;

/**
 * The IBKR Client Portal gateway's WebSocket: one per gateway session, so the gateway's address is
 * the credential.
 */
public final class IbkrStreamProvider implements StreamProvider {
  private final String url;
  private final IbkrStreamSource.Limits limits;
  private final StreamSettings settings;

  public IbkrStreamProvider(String url, IbkrStreamSource.Limits limits, StreamSettings settings) {
    this.url = url;
    this.limits = limits;
    this.settings = settings;
  }

  @Override
  public String name() {
    return IbkrFrames.SOURCE;
  }

  @Override
  public String credential() {
    return KeyFingerprint.of(url);
  }

  @Override
  public UpstreamSource open(ActorSystem<?> system, Runnable onReconnect) {
    return new IbkrStreamSource(
        system,
        new WebSocketSource.Settings(
            url,
            RestartSettings.create(settings.minBackoff(), settings.maxBackoff(), 0.2),
            settings.idleTimeout(),
            settings.keepAlive()),
        limits,
        onReconnect);
  }

  @Override
  public String toString() {
    return "IbkrStreamProvider[" + url + "]";
  }
}
