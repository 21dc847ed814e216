package io.stagdb.http;

import java.security.KeyStore;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS on the API's port, from PEM files that are read again when they change (checked every
 * {@value #CHECK_SECONDS} seconds), so a renewed certificate needs no restart. The port also
 * recognises a plain-HTTP request, which the API answers with a 400 that says to use https.
 */
final class TlsConnector implements AutoCloseable {
  static final int CHECK_SECONDS = 5;
  private static final Logger LOG = LoggerFactory.getLogger(TlsConnector.class);

  private final TlsFiles files;
  private final SslContextFactory.Server ssl = new SslContextFactory.Server();
  private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "stagdb-tls-reload");
    t.setDaemon(true);
    return t;
  });
  private volatile String loaded;

  TlsConnector(TlsFiles files) {
    this.files = files;
    loaded = files.stamp();
    ssl.setKeyStore(files.keyStore());   // fails at start on a bad pair
    ssl.setKeyStorePassword(new String(TlsFiles.STORE_PASSWORD));
    ssl.setKeyManagerPassword(new String(TlsFiles.STORE_PASSWORD));
    ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
  }

  ServerConnector connector(Server server, HttpConfiguration plain, String host, int port) {
    HttpConfiguration https = new HttpConfiguration(plain);
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);   // clients reach the API by IP address too
    https.addCustomizer(secure);
    HttpConnectionFactory http = new HttpConnectionFactory(https);
    SslConnectionFactory tls = new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString());
    // TLS bytes go to TLS; anything else to plain HTTP, which the API refuses with a clear 400
    ServerConnector connector = new ServerConnector(server, new DetectorConnectionFactory(tls), http);
    connector.setHost(host);
    connector.setPort(port);
    watcher.scheduleWithFixedDelay(this::reloadIfChanged, CHECK_SECONDS, CHECK_SECONDS, TimeUnit.SECONDS);
    return connector;
  }

  /** Takes renewed files into use for new connections; keeps the current ones if the new are not usable. */
  void reloadIfChanged() {
    String now = files.stamp();
    if (now.equals(loaded)) {
      return;
    }
    try {
      KeyStore store = files.keyStore();
      ssl.reload(f -> f.setKeyStore(store));
      loaded = now;
      LOG.info("TLS: loaded the renewed certificate {} (valid until {})", files.certificate(),
          files.chain().get(0).getNotAfter().toInstant());
    } catch (Exception e) {
      // half-written by a renewal, perhaps: try again at the next check, serving the current one meanwhile
      LOG.warn("TLS: not using the changed {} yet: {}", files.certificate(), e.getMessage());
    }
  }

  @Override
  public void close() {
    watcher.shutdownNow();
  }
}
