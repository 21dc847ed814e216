package io.stagdb.http;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The API's certificate and private key, as PEM files (what certbot, step-ca or openssl write):
 * the certificate file may hold the chain after the server's own; the key may be PKCS#8, PKCS#1
 * (RSA) or SEC1 (EC), unencrypted. Read through Bouncy Castle's PEM parser.
 */
public record TlsFiles(Path certificate, Path privateKey) {
  static final char[] STORE_PASSWORD = "stagdb".toCharArray();
  /** Bouncy Castle's provider, for reading keys only (not registered with the JDK). */
  private static final java.security.Provider PROVIDER = new org.bouncycastle.jce.provider.BouncyCastleProvider();

  public TlsFiles {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
  }

  /** The certificate chain, the server's first. */
  public List<X509Certificate> chain() {
    try (var in = Files.newInputStream(certificate)) {
      List<X509Certificate> chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(c -> (X509Certificate) c).toList();
      if (chain.isEmpty()) {
        throw new IllegalArgumentException("api.tls.certificate " + certificate + " holds no PEM certificate");
      }
      return chain;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read api.tls.certificate " + certificate + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("api.tls.certificate " + certificate + " is not a PEM certificate: "
          + e.getMessage(), e);
    }
  }

  PrivateKey key() {
    try (Reader in = Files.newBufferedReader(privateKey, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(in)) {
      Object read = pem.readObject();
      PrivateKeyInfo info = read instanceof PEMKeyPair pair ? pair.getPrivateKeyInfo()
          : read instanceof PrivateKeyInfo plain ? plain : null;
      if (info == null) {
        throw new IllegalArgumentException("api.tls.privateKey " + privateKey + " holds no unencrypted PEM private key"
            + (read == null ? "" : " (found " + read.getClass().getSimpleName() + ")"));
      }
      // parsed by Bouncy Castle (SEC1 and PKCS#1 as well as PKCS#8), then handed to the JDK as standard PKCS#8,
      // with the curve named in it, so that the JDK's TLS signs with it
      PrivateKey parsed = new JcaPEMKeyConverter().setProvider(PROVIDER).getPrivateKey(info);
      String algorithm = parsed.getAlgorithm().startsWith("EC") ? "EC" : parsed.getAlgorithm();
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(parsed.getEncoded()));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read api.tls.privateKey " + privateKey + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("api.tls.privateKey " + privateKey + " is not a key the JDK can use: "
          + e.getMessage(), e);
    }
  }

  /**
   * A key store holding the key and its chain, after checking that they belong together (a
   * signature made with the key verifies with the certificate), so a wrong pair fails at start.
   */
  KeyStore keyStore() {
    List<X509Certificate> chain = chain();
    PrivateKey key = key();
    try {
      String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : key.getAlgorithm().equals("RSA")
          ? "SHA256withRSA" : null;
      if (algorithm != null) {
        byte[] probe = "stagdb".getBytes(StandardCharsets.US_ASCII);
        Signature sign = Signature.getInstance(algorithm);
        sign.initSign(key);
        sign.update(probe);
        Signature verify = Signature.getInstance(algorithm);
        verify.initVerify(chain.get(0).getPublicKey());
        verify.update(probe);
        if (!verify.verify(sign.sign())) {
          throw new IllegalArgumentException("api.tls.privateKey " + privateKey + " is not the key of the certificate in "
              + certificate);
        }
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("stagdb", key, STORE_PASSWORD, chain.toArray(Certificate[]::new));
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("api.tls.privateKey " + privateKey + " does not go with the certificate in "
          + certificate + ": " + e.getMessage(), e);
    }
  }

  /** The server's certificate, after checking that the key belongs to it (what {@code doctor} reports on). */
  public X509Certificate verify() {
    keyStore();
    return chain().get(0);
  }

  /** Changes when either file does (time and size), to notice a renewal. */
  String stamp() {
    try {
      return Files.getLastModifiedTime(certificate).toMillis() + ":" + Files.size(certificate) + ":"
          + Files.getLastModifiedTime(privateKey).toMillis() + ":" + Files.size(privateKey);
    } catch (IOException e) {
      return "unreadable";
    }
  }
}
