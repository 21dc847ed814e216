package io.stagdb.docker;

import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.model.Resources;
import io.stagdb.domain.port.out.ContainerSpec;
import io.stagdb.domain.port.out.DatabaseRuntime;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Times {@code run} → accepting logins on a ZFS clone of a data directory of 300+ MB, for
 * PostgreSQL 15 and MariaDB 10.11 (local images), through {@link DockerDatabaseRuntime}. Run by
 * {@code scripts/bench docker}; prints a Markdown section.
 *
 * <p>Arguments: a scratch dataset to create and destroy, and the number of timed starts.
 */
public final class DockerBenchmark {
  private static final Duration READY = Duration.ofSeconds(120);

  public static void main(String[] args) throws Exception {
    String scratch = args[0];
    int runs = Integer.parseInt(args[1]);
    Path mounts = Path.of("/var/tmp", scratch.replace('/', '-'));
    zfs("create", "-o", "mountpoint=" + mounts, scratch);
    DockerSettings settings = new DockerSettings(null, "127.0.0.1", DockerTestHost.LOCAL_IMAGES, "bench-",
        Map.of("io.stagdb.bench", "true"), false, false, null, mounts.resolveSibling(mounts.getFileName() + "-control"));
    try (DockerDatabaseRuntime runtime = DockerDatabaseRuntime.connect(settings)) {
      System.out.println("| engine (cloned data directory) | data size | runs | p50 | p95 | target |");
      System.out.println("|---|---|---|---|---|---|");
      measure(runtime, scratch, mounts, "postgresql", "15", runs, "p50 ≤ 700 ms",
          "CREATE TABLE filler AS SELECT g AS id, repeat(md5(g::text), 6) AS payload FROM generate_series(1, 1500000) g",
          "SELECT pg_database_size(current_database())");
      measure(runtime, scratch, mounts, "mariadb", "10.11", runs, "p50 ≤ 1 s",
          "CREATE TABLE filler ENGINE=InnoDB AS SELECT seq AS id, REPEAT(MD5(seq), 6) AS payload FROM seq_1_to_1500000",
          "SELECT SUM(data_length + index_length) FROM information_schema.tables WHERE table_schema = 'stagdb'");
    } finally {
      io.stagdb.domain.testkit.TestHost.destroyRecursively(scratch);
    }
  }

  private static void measure(DatabaseRuntime runtime, String scratch, Path mounts, String engine, String version,
                              int runs, String target, String fill, String sizeQuery) throws Exception {
    EngineVersion ev = EngineVersion.parse(engine, version);
    Credentials credentials = new Credentials(ev.engine().defaultUser(), "bench-password", ev.engine().defaultDatabase());
    Resources resources = new Resources(1L << 30, 2000, 10L << 30);
    String source = scratch + "/" + engine + "-source";
    zfs("create", source);
    ContainerSpec sourceSpec = spec(ev, credentials, resources, mounts.resolve(engine + "-source"));
    runtime.run(sourceSpec);
    runtime.awaitReady(sourceSpec.id(), credentials, READY);
    long bytes;
    String url = engine.equals("postgresql")
        ? "jdbc:postgresql://127.0.0.1:" + sourceSpec.hostPort() + "/postgres"
        : "jdbc:mariadb://127.0.0.1:" + sourceSpec.hostPort() + "/stagdb";
    try (Connection c = DriverManager.getConnection(url, credentials.username(), credentials.password());
         Statement s = c.createStatement()) {
      s.execute(fill);
      try (ResultSet rs = s.executeQuery(sizeQuery)) {
        rs.next();
        bytes = rs.getLong(1);
      }
    }
    try (DatabaseRuntime.Quiesced q = runtime.quiesce(sourceSpec.id(), credentials)) {
      zfs("snapshot", source + "@base");
    }
    runtime.remove(sourceSpec.id());

    List<Long> times = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      String clone = scratch + "/" + engine + "-clone-" + i;
      zfs("clone", source + "@base", clone);
      ContainerSpec spec = spec(ev, credentials, resources, mounts.resolve(engine + "-clone-" + i));
      long t0 = System.nanoTime();
      runtime.run(spec);
      runtime.awaitReady(spec.id(), credentials, READY);
      times.add(System.nanoTime() - t0);
      runtime.remove(spec.id());
    }
    Collections.sort(times);
    System.out.printf("| %s %s | %d MB | %d | %d ms | %d ms | %s |%n", engine.equals("postgresql") ? "PostgreSQL" : "MariaDB",
        version, bytes >> 20, runs, percentile(times, 50), percentile(times, 95), target);
  }

  private static ContainerSpec spec(EngineVersion ev, Credentials credentials, Resources resources, Path data)
      throws IOException {
    DatabaseId id = DatabaseId.random();
    return new ContainerSpec(id, DatabaseName.of("b" + id.value().substring(3)), ev, resources, freePort(), credentials,
        Map.of(), data, Map.of());
  }

  private static long percentile(List<Long> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, index)) / 1_000_000;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void zfs(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("zfs"));
    command.addAll(List.of(args));
    for (int attempt = 0; ; attempt++) {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return;
      }
      if (attempt == 20 || !out.contains("busy")) {
        throw new IllegalStateException(String.join(" ", command) + ": " + out);
      }
      Thread.sleep(200);
    }
  }
}
