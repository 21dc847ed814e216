package io.stagdb.server;

import io.stagdb.api.Dto;
import io.stagdb.client.StagDbClient;
import io.stagdb.domain.access.ApiKey;
import io.stagdb.domain.testkit.TestHost;
import io.stagdb.domain.testkit.TestPostgres;
import io.stagdb.server.config.ConfigLoader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Import from a live source, side by side in one run: a pgbench source (a plain PostgreSQL 15
 * container on the host's network, outside stagDB) imported through {@code POST /v1/databases} with a
 * {@code source}, against the same copy by hand with the host's {@code pg_dump -Fc} to a file and
 * {@code pg_restore -j} into an empty stagDB database on the same pool; then a refresh after a small
 * change, its time and the storage it takes. {@code ImportBenchmark SCALE...}; prints Markdown.
 */
public final class ImportBenchmark {
  private static final String PURPOSE = "bench-import";
  private static final String PASSWORD = "bench-source";

  public static void main(String[] args) throws Exception {
    List<Integer> scales = new ArrayList<>();
    for (String arg : args) {
      scales.add(Integer.parseInt(arg));
    }
    if (scales.isEmpty()) {
      scales = List.of(140);
    }
    Map<String, String> settings = TestServers.settings(PURPOSE, TestServers.freePort());
    settings.put("resources.default.storage", "12g");
    settings.put("resources.default.memory", "1g");
    settings.put("readyTimeout", "300s");
    StagDbServer server = StagDbServer.start(ConfigLoader.load(null, Map.of(), settings), "bench");
    String source = TestHost.runId() + "-" + PURPOSE + "-source";
    try {
      String key = server.engine().apiKeys().issue("bench", ApiKey.Scope.ADMIN).token();
      StagDbClient client = StagDbClient.create(URI.create("http://127.0.0.1:" + server.port()), key, Duration.ofHours(2));
      System.out.println("| data | stagDB import (`source`) | by hand: `pg_dump -Fc` + `pg_restore -j 2` | ratio | target "
          + "| refresh after 100 rows changed | storage the refresh took |");
      System.out.println("|---|---|---|---|---|---|---|");
      for (int scale : scales) {
        measure(client, source, scale);
      }
    } finally {
      TestHost.exec(List.of("docker", "rm", "-f", "-v", source));
      server.close();
      TestServers.cleanUp(PURPOSE);
    }
  }

  private static void measure(StagDbClient client, String container, int scale) throws Exception {
    TestHost.exec(List.of("docker", "rm", "-f", "-v", container));
    int port = TestServers.freePort();
    run(List.of("docker", "run", "-d", "--name", container, "--network", "host", "--label",
        TestHost.RUN_LABEL + "=" + TestHost.runId(), "-e", "POSTGRES_PASSWORD=" + PASSWORD, "-e", "POSTGRES_DB=app",
        "stagdb-test/postgres:15", "postgres", "-c", "port=" + port), Duration.ofMinutes(2));
    TestPostgres.awaitConnection("jdbc:postgresql://127.0.0.1:" + port + "/app", "postgres", PASSWORD,
        Duration.ofMinutes(2)).close();
    run(List.of("env", "PGPASSWORD=" + PASSWORD, "pgbench", "-q", "-i", "-s", Integer.toString(scale), "-h", "127.0.0.1",
        "-p", Integer.toString(port), "-U", "postgres", "app"), Duration.ofMinutes(30));
    String host = java.net.NetworkInterface.getByName("docker0").inetAddresses()
        .filter(a -> a instanceof java.net.Inet4Address).findFirst().orElseThrow().getHostAddress();
    String url = "postgresql://postgres:" + PASSWORD + "@" + host + ":" + port + "/app";

    // a dump to nowhere first reads the source into its cache, for both copies alike
    run(List.of("env", "PGPASSWORD=" + PASSWORD, "pg_dump", "-Fc", "-h", "127.0.0.1", "-p", Integer.toString(port),
        "-U", "postgres", "--no-sync", "-f", "/dev/null", "app"), Duration.ofHours(1));

    // the test pool holds a copy and a refresh's second at a time: stagDB's import and refresh go first
    // and are dropped before the copy by hand
    long t0 = System.nanoTime();
    Dto.Database imported = client.createDatabase(new Dto.CreateDatabase("imported-" + scale, "postgresql", "15", null,
        new Dto.Source(url)));
    double importSeconds = (System.nanoTime() - t0) / 1e9;
    long size = client.stats(imported.name()).engine().sizeBytes();
    double refreshSeconds;
    long took;
    try {
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/app", "postgres", PASSWORD);
           Statement s = c.createStatement()) {
        s.execute("UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid <= 100");
      }
      long poolBefore = poolUsed();
      t0 = System.nanoTime();
      client.refresh(imported.name());
      refreshSeconds = (System.nanoTime() - t0) / 1e9;
      took = poolUsed() - poolBefore;
    } finally {
      client.deleteDatabaseAndWait(imported.name(), true);
    }

    Dto.Database peer = client.createDatabase(new Dto.CreateDatabase("by-hand-" + scale, "postgresql", "15", null));
    Path dump = Files.createTempFile("stagdb-bench-", ".dump");
    double peerSeconds;
    try {
      t0 = System.nanoTime();
      run(List.of("env", "PGPASSWORD=" + PASSWORD, "pg_dump", "-Fc", "-h", "127.0.0.1", "-p", Integer.toString(port),
          "-U", "postgres", "-f", dump.toString(), "app"), Duration.ofHours(1));
      run(List.of("env", "PGPASSWORD=" + peer.connection().password(), "pg_restore", "-j", "2", "--no-owner",
          "--no-privileges", "--exit-on-error", "-h", "127.0.0.1", "-p", Integer.toString(peer.connection().port()),
          "-U", "postgres", "-d", "postgres", dump.toString()), Duration.ofHours(1));
      peerSeconds = (System.nanoTime() - t0) / 1e9;
    } finally {
      Files.deleteIfExists(dump);
      client.deleteDatabaseAndWait(peer.name(), true);
    }

    double ratio = importSeconds / peerSeconds;
    System.out.println(String.format(Locale.ROOT, "| PostgreSQL 15, %d MB (pgbench -s %d) | %.1f s | %.1f s | %.2f× | ≤ 1.3× %s "
            + "| %.1f s | %d MB (a full copy: the earlier volume stays for its import snapshot) |",
        size >> 20, scale, importSeconds, peerSeconds, ratio, ratio <= 1.3 ? "(met)" : "(**not met**)", refreshSeconds,
        took >> 20));
  }

  /** Bytes used under the server's root (its volumes and snapshots). */
  private static long poolUsed() {
    TestHost.Result r = TestHost.exec(List.of("zfs", "get", "-Hp", "-o", "value", "used", TestHost.datasetFor(PURPOSE)));
    return Long.parseLong(r.stdout().strip());
  }

  private static void run(List<String> command, Duration bound) {
    TestHost.Result r = TestHost.exec(command, bound);
    if (!r.ok()) {
      throw new IllegalStateException(command.get(command.get(0).equals("env") ? 2 : 0) + " failed: " + r.stderr());
    }
  }
}
