package io.stagdb.server;

import io.stagdb.domain.access.ApiKey;
import io.stagdb.domain.testkit.TestHost;
import io.stagdb.api.Dto;
import io.stagdb.client.StagDbClient;
import io.stagdb.server.config.ConfigLoader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The product's claim, measured side by side in one run on the real server: snapshotting a running
 * PostgreSQL, and getting a writable copy ready (a {@code SELECT 1} succeeds) by branching, by
 * {@code pg_dump | pg_restore} into a fresh container, and by {@code CREATE DATABASE ... TEMPLATE}
 * inside the source server, at about 100 MB and 2 GB of pgbench data; plus MariaDB branches. Run by
 * {@code scripts/bench branch}; prints Markdown.
 */
public final class BranchBenchmark {
  private static final String PURPOSE = "bench-branch";
  private static StagDbClient client;

  public static void main(String[] args) throws Exception {
    Map<String, String> settings = TestServers.settings(PURPOSE, TestServers.freePort());
    settings.put("resources.default.storage", "8g");
    settings.put("resources.default.memory", "1g");
    StagDbServer server = StagDbServer.start(ConfigLoader.load(null, Map.of(), settings), "bench");
    try {
      String key = server.engine().apiKeys().issue("bench", ApiKey.Scope.ADMIN).token();
      client = StagDbClient.create(URI.create("http://127.0.0.1:" + server.port()), key, Duration.ofMinutes(30));
      System.out.println("| data | snapshot of the running database p50 / p95 | branch → ready p50 / p95 | branch writes "
          + "| dump + restore → ready | its storage | TEMPLATE copy → ready p50 | its storage | branch vs dump/restore "
          + "| branch vs TEMPLATE |");
      System.out.println("|---|---|---|---|---|---|---|---|---|---|");
      postgres("bench-100mb", 7, 3);
      postgres("bench-2gb", 140, 1);
      System.out.println();
      mariadb();
    } finally {
      server.close();
      TestServers.cleanUp(PURPOSE);
    }
  }

  private static void postgres(String name, int scale, int dumpRuns) throws Exception {
    Dto.Database source = client.createDatabase(new Dto.CreateDatabase(name, "postgresql", "15", null));
    pgbench(source, scale);
    long size = queryLong(source, "postgres", "SELECT pg_database_size('postgres')");

    List<Long> snapshots = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      long t0 = System.nanoTime();
      client.createSnapshot(name, name + "-s" + i);
      snapshots.add(System.nanoTime() - t0);
    }
    String base = name + "-s9";

    List<Long> branches = new ArrayList<>();
    List<Long> written = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      long t0 = System.nanoTime();
      Dto.Database branch = client.branchFromSnapshot(base, new Dto.CreateBranch(name + "-b" + i, null, null));
      selectOne(branch, "postgres");
      branches.add(System.nanoTime() - t0);
      written.add(client.stats(branch.name()).storage().usedBytes());
      client.deleteDatabase(branch.name(), false);
    }

    List<Long> dumps = new ArrayList<>();
    long restoredBytes = 0;
    Path dump = Files.createTempFile("stagdb-bench", ".dump");
    try {
      for (int i = 0; i < dumpRuns; i++) {
        long t0 = System.nanoTime();
        run(List.of("pg_dump", "-Fc", "-Z", "1", "-h", "127.0.0.1", "-p", Integer.toString(source.connection().port()),
            "-U", "postgres", "-f", dump.toString(), "postgres"), source.connection().password());
        Dto.Database target = client.createDatabase(new Dto.CreateDatabase(name + "-r" + i, "postgresql", "15", null));
        run(List.of("pg_restore", "-j", "2", "-h", "127.0.0.1", "-p", Integer.toString(target.connection().port()),
            "-U", "postgres", "-d", "postgres", dump.toString()), target.connection().password());
        selectOne(target, "postgres");
        dumps.add(System.nanoTime() - t0);
        restoredBytes = client.stats(target.name()).storage().usedBytes();
        client.deleteDatabase(target.name(), false);
      }
    } finally {
      Files.deleteIfExists(dump);
    }

    List<Long> templates = new ArrayList<>();
    long templateBytes = 0;
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      try (Connection c = connect(source, "template1"); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE copy_" + i + " TEMPLATE postgres");
      }
      selectOne(source, "copy_" + i);
      templates.add(System.nanoTime() - t0);
      templateBytes = queryLong(source, "template1", "SELECT pg_database_size('copy_" + i + "')");
      try (Connection c = connect(source, "template1"); Statement s = c.createStatement()) {
        s.execute("DROP DATABASE copy_" + i);
      }
    }

    System.out.printf("| PostgreSQL 15, %d MB (pgbench -s %d) | %s / %s | %s / %s | %s | %s (%d run%s) | %s | %s | %s | %.0f× | %.1f× |%n",
        size >> 20, scale, ms(p(snapshots, 50)), ms(p(snapshots, 95)), ms(p(branches, 50)), ms(p(branches, 95)),
        mb(p(written, 50)), ms(p(dumps, 50)), dumpRuns, dumpRuns == 1 ? "" : "s", mb(restoredBytes),
        ms(p(templates, 50)), mb(templateBytes), (double) p(dumps, 50) / p(branches, 50),
        (double) p(templates, 50) / p(branches, 50));
    client.deleteDatabase(name, true);
  }

  private static void mariadb() throws Exception {
    Dto.Database source = client.createDatabase(new Dto.CreateDatabase("bench-maria", "mariadb", "10.11",
        new Dto.Config(null, null, null, null, null, List.of(
            "CREATE TABLE filler ENGINE=InnoDB AS SELECT seq AS id, REPEAT(MD5(seq), 6) AS payload FROM seq_1_to_400000"))));
    long size = queryLong(source, "stagdb",
        "SELECT SUM(data_length + index_length) FROM information_schema.tables WHERE table_schema = 'stagdb'");
    client.createSnapshot("bench-maria", "bench-maria-base");
    List<Long> branches = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      long t0 = System.nanoTime();
      Dto.Database branch = client.branchFromSnapshot("bench-maria-base", new Dto.CreateBranch("bench-maria-b" + i, null, null));
      selectOne(branch, "stagdb");
      branches.add(System.nanoTime() - t0);
      client.deleteDatabase(branch.name(), false);
    }
    System.out.println("| MariaDB branch → ready (API call until SELECT 1) | data | runs | p50 | p95 |");
    System.out.println("|---|---|---|---|---|");
    System.out.printf("| MariaDB 10.11 | %d MB | %d | %s | %s |%n", size >> 20, branches.size(), ms(p(branches, 50)),
        ms(p(branches, 95)));
    client.deleteDatabase("bench-maria", true);
  }

  static void pgbench(Dto.Database db, int scale) throws Exception {
    run(List.of("pgbench", "-q", "-i", "-s", Integer.toString(scale), "-h", "127.0.0.1", "-p",
        Integer.toString(db.connection().port()), "-U", "postgres", "postgres"), db.connection().password());
  }

  private static void run(List<String> command, String password) {
    List<String> withEnv = new ArrayList<>(List.of("env", "PGPASSWORD=" + password));
    withEnv.addAll(command);
    TestHost.Result r = TestHost.exec(withEnv, Duration.ofMinutes(30));
    if (!r.ok()) {
      throw new IllegalStateException(command.get(0) + " failed: " + r.stderr());
    }
  }

  private static Connection connect(Dto.Database db, String database) throws SQLException {
    String url = db.type().equals("postgresql")
        ? "jdbc:postgresql://127.0.0.1:" + db.connection().port() + "/" + database
        : "jdbc:mariadb://127.0.0.1:" + db.connection().port() + "/" + database;
    return DriverManager.getConnection(url, db.connection().username(), db.connection().password());
  }

  /** A test's typical change: a few rows updated in the biggest table. */
  static void write(Dto.Database db) throws SQLException {
    try (Connection c = connect(db, "postgres"); Statement s = c.createStatement()) {
      s.execute("UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid <= 100");
    }
  }

  static void selectOne(Dto.Database db, String database) throws SQLException {
    try (Connection c = connect(db, database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
      rs.next();
    }
  }

  private static long queryLong(Dto.Database db, String database, String sql) throws SQLException {
    try (Connection c = connect(db, database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long p(List<Long> values, int percentile) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.max(0, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1));
  }

  private static String ms(long nanos) {
    double millis = nanos / 1_000_000.0;
    return millis >= 10_000 ? String.format("%.1f s", millis / 1000) : String.format("%.0f ms", millis);
  }

  private static String mb(long bytes) {
    return String.format("%.1f MB", bytes / 1048576.0);
  }
}
