package io.stagdb.server;

import io.stagdb.domain.testkit.TestHost;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Configuration of a stagDB server under test: its own ZFS root and data directory (named so the
 * dead-run sweep finds them), loopback-only ports, this run's container label and the local images.
 */
public final class TestServers {
  private TestServers() {
  }

  public static Map<String, String> settings(String purpose, int apiPort) {
    // below Linux's ephemeral range (32768-60999), where client sockets come and go
    int block = 20000 + ThreadLocalRandom.current().nextInt(250) * 50;
    Map<String, String> s = new LinkedHashMap<>();
    s.put("api.host", "127.0.0.1");
    s.put("api.port", Integer.toString(apiPort));
    s.put("api.publicHost", "127.0.0.1");
    s.put("dataDir", TestHost.mountDirFor(purpose).toString());
    s.put("zfs.root", TestHost.datasetFor(purpose));
    s.put("docker.bindAddress", "127.0.0.1");
    s.put("docker.pullImages", "false");
    s.put("docker.containerPrefix", TestHost.runId() + "-" + purpose + "-");
    s.put("docker.labels." + TestHost.RUN_LABEL, TestHost.runId());
    s.put("ports.first", Integer.toString(block));
    s.put("ports.last", Integer.toString(block + 49));
    s.put("readyTimeout", "90s");
    s.put("webhooks.backoff", "1s,1s,1s,1s,1s");
    s.put("resources.default.memory", "512m");
    s.put("standby.perSnapshot", "0");   // tests that count containers and volumes; StandbyIT turns them on
    for (int v = 12; v <= 16; v++) {
      s.put("images.postgresql." + v, "stagdb-test/postgres:" + v);
    }
    s.put("images.mariadb.10.11", "stagdb-test/mariadb:10.11");
    return s;
  }

  /** A JDBC connection to a PostgreSQL or MariaDB database of a server under test, as its user. */
  public static java.sql.Connection connect(io.stagdb.api.Dto.Database db) throws java.sql.SQLException {
    io.stagdb.api.Dto.Connection c = db.connection();
    String scheme = db.type().equals("postgresql") ? "postgresql" : "mariadb";
    return java.sql.DriverManager.getConnection("jdbc:" + scheme + "://127.0.0.1:" + c.port() + "/" + c.database(),
        c.username(), c.password());
  }

  /** The settings as {@code --set key=value} arguments. */
  public static List<String> setArguments(Map<String, String> settings) {
    List<String> args = new ArrayList<>();
    settings.forEach((k, v) -> {
      args.add("--set");
      args.add(k + "=" + v);
    });
    return args;
  }

  /** Removes every container and network of the server of {@code purpose}, then its dataset and data directory. */
  public static void cleanUp(String purpose) {
    String filter = "label=io.stagdb.root=" + TestHost.datasetFor(purpose);
    for (String id : TestHost.exec(List.of("docker", "ps", "-aq", "--filter", filter)).lines()) {
      TestHost.exec(List.of("docker", "rm", "-f", "-v", id));
    }
    for (String id : TestHost.exec(List.of("docker", "network", "ls", "-q", "--filter", filter)).lines()) {
      TestHost.exec(List.of("docker", "network", "rm", id));
    }
    TestHost.destroyFor(purpose);
  }

  /** Containers of the server of {@code purpose}, by name. */
  public static List<String> containers(String purpose) {
    return TestHost.exec(List.of("docker", "ps", "-a", "--format", "{{.Names}}", "--filter",
        "label=io.stagdb.root=" + TestHost.datasetFor(purpose))).lines();
  }

  /** Filesystems under the server's root (the root itself left out). */
  public static List<String> volumes(String purpose) {
    String root = TestHost.datasetFor(purpose);
    return TestHost.exec(List.of("zfs", "list", "-H", "-o", "name", "-t", "filesystem", "-r", root)).lines().stream()
        .filter(n -> !n.equals(root)).map(n -> n.substring(root.length() + 1)).sorted().toList();
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
