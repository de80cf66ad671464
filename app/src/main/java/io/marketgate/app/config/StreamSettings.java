package io.marketgate.app.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Provider streams ({@code marketgate.streams}): how subscribers keep their interest, how the owner
 * of a connection reconnects and closes it, and each provider's endpoint and limits.
 *
 * @param renewInterval a subscriber renews its interest this often; its owner forgets it after
 *     three intervals without a renewal (its node died)
 * @param unsubscribeGrace how long a channel stays subscribed upstream after its last subscriber
 *     left, so that a subscriber coming back soon costs no resubscription
 * @param minBackoff first wait before a dropped connection is opened again (doubling)
 * @param maxBackoff longest wait between connection attempts
 * @param idleTimeout the client closes a connection silent this long (Pekko's default is 60 s)
 * @param keepAlive the client pings after this long without traffic
 * @param shutdownTimeout a closing connection gets this long to complete, then it is aborted
 * @param acknowledgeTimeout how long a new subscription may take to be acknowledged (the topic
 *     instances of the owner's and the subscriber's nodes must learn of each other)
 * @param polygonUrl {@code POLYGON_WS_URL}; empty: the simulator's when it stands in for Polygon,
 *     else Polygon's
 * @param polygonKey {@code POLYGON_STREAM_API_KEY}; empty: Polygon's first API key
 * @param ibkrUrl {@code IBKR_WS_URL}; empty: IBKR's base URL with {@code /ws}
 * @param ibkrMarketDataLines concurrent {@code smd} streams the IBKR session allows
 * @param ibkrHistoryStreams concurrent {@code smh} (bar) streams the IBKR session allows
 * @param ibkrTicInterval how often the IBKR socket gets {@code tic} and the session {@code /tickle}
 */
public record StreamSettings(
    Duration renewInterval,
    Duration unsubscribeGrace,
    Duration minBackoff,
    Duration maxBackoff,
    Duration idleTimeout,
    Duration keepAlive,
    Duration shutdownTimeout,
    Duration acknowledgeTimeout,
    String polygonUrl,
    String polygonKey,
    String ibkrUrl,
    int ibkrMarketDataLines,
    int ibkrHistoryStreams,
    Duration ibkrTicInterval) {

  public static final String POLYGON_DEFAULT_URL = "wss://socket.polygon.io/stocks";

  public StreamSettings {
    ConfigValues.require(
        keepAlive.compareTo(idleTimeout) < 0,
        "marketgate.streams.keep-alive must be shorter than the idle timeout, or quiet"
            + " connections close");
    ConfigValues.require(
        maxBackoff.compareTo(minBackoff) >= 0,
        "marketgate.streams.reconnect.max-backoff must not be below min-backoff");
  }

  /** Never the key: a record's own toString would print it. */
  @Override
  public String toString() {
    return "StreamSettings[polygon "
        + polygonUrl
        + ", ibkr "
        + ibkrUrl
        + ", renew "
        + renewInterval
        + ", grace "
        + unsubscribeGrace
        + "]";
  }

  public static StreamSettings fromConfig(Config s) {
    return new StreamSettings(
        s.getDuration("renew-interval"),
        s.getDuration("unsubscribe-grace"),
        s.getDuration("reconnect.min-backoff"),
        s.getDuration("reconnect.max-backoff"),
        s.getDuration("idle-timeout"),
        s.getDuration("keep-alive"),
        s.getDuration("shutdown-timeout"),
        s.getDuration("acknowledge-timeout"),
        s.getString("polygon.url"),
        s.getString("polygon.api-key"),
        s.getString("ibkr.url"),
        s.getInt("ibkr.max-market-data-lines"),
        s.getInt("ibkr.max-history-streams"),
        s.getDuration("ibkr.tic-interval"));
  }
}
