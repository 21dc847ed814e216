package io.stagdb.server;

import java.io.IOException;
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
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throw-away CA and the server certificates it signs (EC P-256, with Bouncy Castle), as PEM files, for TLS tests. */
final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final KeyPair caKey;
  private final X509Certificate ca;

  TestCertificates() throws Exception {
    caKey = keyPair();
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=stagDB test CA"),
        BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(3650))), new X500Name("CN=stagDB test CA"), caKey.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    ca = sign(builder, caKey);
  }

  /** Writes the CA certificate as PEM. */
  Path writeCa(Path file) throws IOException {
    Files.writeString(file, pem(ca));
    return file;
  }

  /**
   * Writes a server certificate (signed by the CA) for {@code host} (an IP address or a DNS name),
   * valid from {@code from} to {@code until}, and its key. Returns its serial number.
   */
  BigInteger writeServer(Path certificate, Path key, String host, Instant from, Instant until) throws Exception {
    KeyPair pair = keyPair();
    BigInteger serial = BigInteger.valueOf(SERIAL.incrementAndGet());
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, serial, Date.from(from), Date.from(until),
        new X500Name("CN=" + host), pair.getPublic());
    boolean ip = host.matches("[0-9.]+");
    builder.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host)));
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    X509Certificate cert = sign(builder, caKey);
    // written whole and moved into place, as a renewal tool does
    Path tmp = certificate.resolveSibling(certificate.getFileName() + ".new");
    Files.writeString(tmp, pem(cert) + pem(ca));
    Path tmpKey = key.resolveSibling(key.getFileName() + ".new");
    Files.writeString(tmpKey, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));   // BEGIN PRIVATE KEY, as openssl 3 writes
    Files.move(tmpKey, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Files.move(tmp, certificate, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return serial;
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair signer) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(builder.build(
        new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
  }

  private static String pem(Object object) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    }
    return text.toString();
  }
}
