package io.stagdb.server;

import io.stagdb.domain.testkit.NetworkNamespace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real webhook receiver on another network host (a network namespace of this run): stagDB
 * refuses to deliver to this host, so tests cannot listen on loopback. It runs
 * {@code webhook-receiver/Receiver.java} from its source, answers 500 to the first
 * {@code failFirst} requests, and hands back what it received.
 */
final class WebhookReceiver implements AutoCloseable {
  /** One delivery as the receiver got it. */
  record Received(String signature, byte[] body) {
  }

  private final NetworkNamespace host;
  private final int port;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private Process process;

  private WebhookReceiver(NetworkNamespace host, int port) {
    this.host = host;
    this.port = port;
  }

  static WebhookReceiver start(String purpose, int failFirst) throws Exception {
    WebhookReceiver receiver = new WebhookReceiver(NetworkNamespace.create(purpose), 8099);
    try {
      receiver.listen(failFirst);
    } catch (Exception e) {
      receiver.close();
      throw e;
    }
    return receiver;
  }

  /** (Re)starts the receiver process on the same address and port. */
  void listen(int failFirst) throws Exception {
    Path source = source();
    process = host.start(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), source.toString(),
        host.address(), Integer.toString(port), Integer.toString(failFirst)));
    BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Void> listening = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          if (line.startsWith("LISTENING ")) {
            listening.complete(null);
          } else if (line.startsWith("RECEIVED ")) {
            String[] parts = line.split(" ", 3);
            received.add(new Received(parts[1].equals("null") ? null : parts[1], Base64.getDecoder().decode(parts[2])));
          } else {
            System.err.println("[webhook receiver] " + line);
          }
        }
      } catch (IOException ended) {
        // the process went away
      }
      listening.completeExceptionally(new IllegalStateException("the webhook receiver exited before listening"));
    }, "webhook-receiver-output");
    reader.setDaemon(true);
    reader.start();
    listening.get(60, TimeUnit.SECONDS);
  }

  /** Stops the receiver process (the host and its address stay). */
  void stop() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  String url(String path) {
    return "http://" + host.address() + ":" + port + path;
  }

  List<Received> received() {
    return received;
  }

  private static Path source() throws URISyntaxException {
    return Path.of(WebhookReceiver.class.getResource("/webhook-receiver/Receiver.java").toURI());
  }

  @Override
  public void close() {
    stop();
    host.close();
  }
}
