package io.stagdb.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

/** HTTPS for the client: trusting a CA file, and saying plainly why a handshake failed. */
final class Tls {
  private Tls() {
  }

  /** An SSL context that trusts exactly the certificates in a PEM file. */
  static SSLContext trusting(Path caFile) {
    try (InputStream in = Files.newInputStream(caFile)) {
      Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("the CA file " + caFile + " holds no PEM certificate");
      }
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates) {
        trusted.setCertificateEntry("ca-" + i++, certificate);
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the CA file " + caFile + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the CA file " + caFile + " is not a PEM certificate: " + e.getMessage(), e);
    }
  }

  /** Why a TLS connection to {@code base} failed, in words a user can act on; {@code null} if it was not TLS. */
  static String explain(IOException e, URI base) {
    SSLException tls = find(e, SSLException.class);
    if (tls == null) {
      return null;
    }
    String where = "TLS handshake with " + base + " failed: ";
    if (find(e, CertificateExpiredException.class) != null) {
      return where + "the server's certificate has expired (" + find(e, CertificateExpiredException.class).getMessage()
          + ")";
    }
    if (find(e, CertificateNotYetValidException.class) != null) {
      return where + "the server's certificate is not valid yet";
    }
    String message = String.valueOf(tls.getMessage());
    if (message.contains("No subject alternative") || message.contains("No name matching")) {
      return where + "the server's certificate is not for " + base.getHost() + " (" + message + ")";
    }
    if (message.contains("PKIX path") || message.contains("unable to find valid certification path")) {
      return where + "the server's certificate is not signed by a trusted CA; give its CA file "
          + "(--ca-file, STAGDB_CA_FILE or the context's caFile)";
    }
    if (tls instanceof SSLHandshakeException || message.contains("plaintext") || message.contains("Unsupported or unrecognized")) {
      return where + message + " (is the server serving HTTPS on this port?)";
    }
    return where + message;
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
