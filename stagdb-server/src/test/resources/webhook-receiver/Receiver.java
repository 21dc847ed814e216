import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver for the tests, run with {@code java Receiver.java ADDRESS PORT FAIL_FIRST} on
 * another network host (a network namespace of the test run): answers 500 to the first FAIL_FIRST
 * requests and 200 after, and prints each request it answered 200 as a line
 * {@code RECEIVED <signature> <base64 body>}. JDK only, so it runs from its source file.
 */
public final class Receiver {
  public static void main(String[] args) throws Exception {
    int failFirst = Integer.parseInt(args[2]);
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 0);
    server.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String signature = exchange.getRequestHeaders().getFirst("StagDB-Signature");
      int status = requests.incrementAndGet() <= failFirst ? 500 : 200;
      if (status == 200) {
        synchronized (System.out) {
          System.out.println("RECEIVED " + signature + " " + Base64.getEncoder().encodeToString(body));
          System.out.flush();
        }
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
    System.out.println("LISTENING " + args[0] + ":" + server.getAddress().getPort());
    System.out.flush();
  }
}
