package io.stagdb.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key formats certbot, step-ca and openssl write, read into a key store that TLS can serve with. */
class TlsFilesTest {
  @TempDir
  Path dir;

  private static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  private static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate selfSigned(KeyPair pair) throws Exception {
    X500Name name = new X500Name("CN=localhost");
    Instant now = Instant.now();
    var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minus(Duration.ofMinutes(1))), Date.from(now.plus(Duration.ofDays(30))), name, pair.getPublic());
    String algorithm = pair.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder(algorithm).build(pair.getPrivate())));
  }

  private Path pem(String file, Object... objects) throws Exception {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (Object o : objects) {
        writer.writeObject(o);
      }
    }
    return Files.writeString(dir.resolve(file), text.toString());
  }

  /**
   * The key as openssl writes "EC PRIVATE KEY" (SEC1, RFC 5915): with its curve named inside, which
   * the JDK's PKCS#8 encoding leaves to the algorithm identifier.
   */
  private static PemObject sec1(KeyPair pair) throws Exception {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded());
    var inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
    var curve = ASN1ObjectIdentifier.getInstance(info.getPrivateKeyAlgorithm().getParameters());
    var publicKey = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()).getPublicKeyData();
    var withCurve = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(), publicKey, curve);
    return new PemObject("EC PRIVATE KEY", withCurve.getEncoded());
  }

  private TlsFiles files(KeyPair pair, Object keyPem) throws Exception {
    return new TlsFiles(pem("cert.pem", selfSigned(pair)), pem("key.pem", keyPem));
  }

  /** What makes the key this key, whatever its encoding. */
  private static java.math.BigInteger secret(java.security.Key key) {
    return key instanceof java.security.interfaces.ECPrivateKey ec ? ec.getS()
        : ((java.security.interfaces.RSAPrivateKey) key).getPrivateExponent();
  }

  @Test
  void readsPkcs8AndTheTraditionalPkcs1AndSec1Keys() throws Exception {
    KeyPair rsa = rsa();
    KeyPair ec = ec();
    // JcaPEMWriter writes a bare RSA key the traditional way, "RSA PRIVATE KEY" (PKCS#1)
    assertThat(Files.readString(files(rsa, rsa.getPrivate()).privateKey())).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(Files.readString(files(ec, sec1(ec)).privateKey())).startsWith("-----BEGIN EC PRIVATE KEY-----");
    for (KeyPair pair : new KeyPair[] {rsa, ec}) {
      Object traditional = pair == rsa ? rsa.getPrivate() : sec1(ec);
      for (Object key : new Object[] {traditional, new JcaPKCS8Generator(pair.getPrivate(), null)}) {
        TlsFiles tls = files(pair, key);
        assertThat(tls.verify().getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
        assertThat(secret(tls.keyStore().getKey("stagdb", TlsFiles.STORE_PASSWORD))).isEqualTo(secret(pair.getPrivate()));
      }
    }
  }

  @Test
  void aKeyOfAnotherCertificateOrNoKeyAtAllIsRefusedNamingTheFile() throws Exception {
    KeyPair pair = rsa();
    TlsFiles wrong = new TlsFiles(pem("cert.pem", selfSigned(pair)), pem("other.pem", rsa().getPrivate()));
    assertThatThrownBy(wrong::verify).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("other.pem is not the key of the certificate in");
    TlsFiles certAsKey = new TlsFiles(pem("cert.pem", selfSigned(pair)), pem("cert2.pem", selfSigned(pair)));
    assertThatThrownBy(certAsKey::verify).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds no unencrypted PEM private key (found X509CertificateHolder)");
    TlsFiles noCert = new TlsFiles(Files.writeString(dir.resolve("empty.pem"), ""), pem("key.pem", pair.getPrivate()));
    assertThatThrownBy(noCert::verify).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty.pem holds no PEM certificate");
  }
}
