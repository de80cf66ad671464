package io.marketgate.app.provider;

import io.marketgate.app.config.HostNames;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;

/**
 * Trust for a gateway on this machine that serves HTTPS with a self-signed certificate (the IBKR
 * Client Portal gateway on {@code https://localhost:5000}): any certificate is accepted and the
 * host name is not checked, because the connection never leaves the loopback interface. Settings
 * refuse it for any other host, and the engine factory refuses such a host again.
 */
public final class LoopbackTrust {
  private LoopbackTrust() {}

  /** Client connections that accept the gateway's certificate, for loopback hosts only. */
  public static HttpsConnectionContext httpsContext() {
    SSLContext tls;
    try {
      tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[] {new AcceptingTrustManager()}, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS implementation", e);
    }
    return ConnectionContext.httpsClient(
        (host, port) -> {
          if (!HostNames.isLoopback(host))
            throw new IllegalArgumentException(
                "self-signed trust is for loopback hosts only, not " + host);
          // No endpoint identification is set on this engine: the gateway's certificate names no
          // host.
          SSLEngine engine = tls.createSSLEngine(host, port);
          engine.setUseClientMode(true);
          return engine;
        });
  }

  /**
   * Accepts every server certificate. Being an extended trust manager, JSSE leaves host name checks
   * to it (a plain {@code X509TrustManager} would be wrapped in one that checks them).
   */
  private static final class AcceptingTrustManager extends X509ExtendedTrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
