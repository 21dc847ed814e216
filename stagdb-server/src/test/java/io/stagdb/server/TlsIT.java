package io.stagdb.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.cli.ExitCodes;
import io.stagdb.client.StagDbApiException;
import io.stagdb.client.StagDbClient;
import io.stagdb.domain.testkit.TestHost;
import io.stagdb.server.cli.StagDbCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS on a real server process with real handshakes: the Java client and the command trust a
 * private CA given as a file; a plain-HTTP request to the port gets a 400 that says what to do; a
 * certificate for another host, an expired one and an untrusted one are refused by the client with
 * a message that names the cause; renewed files are taken without a restart; doctor reports expiry.
 */
class TlsIT {
  private static final String PURPOSE = "tls";

  @TempDir
  static Path dir;

  private static TestCertificates certificates;
  private static Path ca;
  private static Path cert;
  private static Path key;
  private static Map<String, String> settings;
  private static ServerProcess server;
  private static String url;
  private static String adminKey;

  @BeforeAll
  static void startServer() throws Exception {
    TestHost.requireZfsAndDocker();
    certificates = new TestCertificates();
    ca = certificates.writeCa(dir.resolve("ca.pem"));
    cert = dir.resolve("server.pem");
    key = dir.resolve("server.key");
    certificates.writeServer(cert, key, "127.0.0.1", Instant.now().minusSeconds(3600), Instant.now().plus(Duration.ofDays(90)));
    settings = TestServers.settings(PURPOSE, TestServers.freePort());
    settings.put("api.tls.certificate", cert.toString());
    settings.put("api.tls.privateKey", key.toString());
    List<String> command = new ArrayList<>(List.of("java", "-jar", ServerProcess.jar().toString(), "serve"));
    command.addAll(TestServers.setArguments(settings));
    server = ServerProcess.start(command, Map.of(), Path.of("."));
    url = server.awaitUrl(Duration.ofMinutes(5));
    adminKey = server.adminKey();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.stop();
    }
    TestServers.cleanUp(PURPOSE);
  }

  private static StagDbClient client(Path caFile) {
    return StagDbClient.create(URI.create(url), adminKey, Duration.ofSeconds(30), caFile);
  }

  @Test
  void theServerSpeaksHttpsAndTheClientsTrustItsCaFile() throws Exception {
    assertThat(url).startsWith("https://127.0.0.1:");
    assertThat(client(ca).health().status()).isEqualTo("ok");
    assertThat(client(ca).listDatabases(null, null, null, 10, 0).total()).isZero();
    assertThatThrownBy(() -> client(null).health()).isInstanceOf(StagDbApiException.Unreachable.class)
        .hasMessageContaining("TLS handshake with " + url).hasMessageContaining("not signed by a trusted CA");

    // the command: --ca-file, and a clear failure without it
    assertThat(cli("db", "list", "--url", url, "--api-key", adminKey, "--ca-file", ca.toString()).code).isZero();
    Run untrusted = cli("db", "list", "--url", url, "--api-key", adminKey);
    assertThat(untrusted.code).isEqualTo(ExitCodes.SERVER);
    assertThat(untrusted.err).contains("not signed by a trusted CA").contains("--ca-file");
  }

  @Test
  void aPlainHttpRequestToTheTlsPortIsToldToUseHttps() throws Exception {
    String plain = url.replace("https://", "http://");
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(plain + "/v1/databases"))
        .header("Authorization", "Bearer " + adminKey).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("https-required").contains("this port serves HTTPS: use https://");
  }

  @Test
  void renewedFilesAreTakenWithoutARestartAndBadOnesAreRefusedByTheClient() throws Exception {
    // a certificate for another host: the client says so
    certificates.writeServer(cert, key, "other.example", Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(30)));
    awaitRefusal("is not for 127.0.0.1");

    // an expired one
    certificates.writeServer(cert, key, "127.0.0.1", Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)));
    awaitRefusal("has expired");
    Run doctor = cli(doctorArgs());
    assertThat(doctor.out).contains("FAIL  TLS certificate " + cert).contains("expired on").contains("renew it");

    // a renewal: served to new connections within seconds, no restart
    BigInteger renewed = certificates.writeServer(cert, key, "127.0.0.1", Instant.now().minusSeconds(60),
        Instant.now().plus(Duration.ofDays(60)));
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    BigInteger served = null;
    while (System.nanoTime() < deadline && !renewed.equals(served)) {
      try {
        served = servedSerial();
      } catch (java.io.IOException stillTheOld) {
        // the expired certificate is still served: the client refuses it
      }
      Thread.sleep(250);
    }
    assertThat(served).as("the renewed certificate is served").isEqualTo(renewed);
    assertThat(client(ca).health().status()).isEqualTo("ok");
    assertThat(cli(doctorArgs()).out).containsPattern("ok    TLS certificate \\S+\n      CN=127.0.0.1, valid until .* \\((59|60) days\\)");
  }

  private static void awaitRefusal(String because) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String last = null;
    while (System.nanoTime() < deadline) {
      try {
        client(ca).health();
        last = "accepted";
      } catch (StagDbApiException.Unreachable e) {
        last = e.getMessage();
        if (last.contains(because)) {
          return;
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the client never refused the new certificate because it " + because + "; last: " + last);
  }

  @Test
  void theConsoleIsServedOnTheSameHttpsPort() throws Exception {
    HttpResponse<String> page = trustingTheCa().send(HttpRequest.newBuilder(URI.create(url + "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("/console/app.js");
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(p -> assertThat(p).contains("default-src 'none'"));
    assertThat(page.sslSession()).isPresent();
  }

  /** The serial number of the certificate the server presents to a new connection. */
  private static BigInteger servedSerial() throws Exception {
    HttpResponse<String> r = trustingTheCa()
        .send(HttpRequest.newBuilder(URI.create(url + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
    return ((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber();
  }

  /** An HTTP client that trusts the test CA only. */
  private static HttpClient trustingTheCa() throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    try (var in = Files.newInputStream(ca)) {
      trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(context).build();
  }

  private static String[] doctorArgs() {
    List<String> args = new ArrayList<>(List.of("doctor"));
    args.addAll(TestServers.setArguments(settings));
    return args.toArray(String[]::new);
  }

  record Run(int code, String out, String err) {
  }

  private static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = StagDbCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }
}
