package io.stagdb.server;

import io.stagdb.domain.access.ApiKey;
import io.stagdb.api.Dto;
import io.stagdb.client.StagDbClient;
import io.stagdb.server.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
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

/**
 * Density: how many idle PostgreSQL branches of one 100 MB source run side by side, and what each
 * costs in memory (its container's cgroup, and the host's available memory) and storage. Prints a
 * Markdown table for {@code scripts/bench density}. Argument: the number of branches (default 40).
 */
public final class DensityBenchmark {
  private static final String PURPOSE = "bench-density";

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    Map<String, String> settings = TestServers.settings(PURPOSE, TestServers.freePort());
    settings.put("ports.last", Integer.toString(Integer.parseInt(settings.get("ports.first")) + count + 10));
    settings.put("resources.default.memory", "256m");
    StagDbServer server = StagDbServer.start(ConfigLoader.load(null, Map.of(), settings), "bench");
    try {
      String key = server.engine().apiKeys().issue("bench", ApiKey.Scope.ADMIN).token();
      StagDbClient client = StagDbClient.create(URI.create("http://127.0.0.1:" + server.port()), key, Duration.ofMinutes(10));
      Dto.Database source = client.createDatabase(new Dto.CreateDatabase("density-src", "postgresql", "15", null));
      BranchBenchmark.pgbench(source, 7);
      client.createSnapshot("density-src", "density-base");
      settle();

      long availableBefore = memAvailable();
      List<Long> branchMillis = new ArrayList<>();
      List<Dto.Database> branches = new ArrayList<>();
      for (int i = 1; i <= count; i++) {
        long t0 = System.nanoTime();
        Dto.Database branch = client.branchFromSnapshot("density-base", new Dto.CreateBranch("idle-" + i, null, null));
        BranchBenchmark.selectOne(branch, "postgres");
        branchMillis.add((System.nanoTime() - t0) / 1_000_000);
        branches.add(branch);
      }
      settle();
      long availableAfter = memAvailable();

      List<Long> memory = new ArrayList<>();
      List<Long> storage = new ArrayList<>();
      long limit = 0;
      for (Dto.Database branch : branches) {
        Dto.Stats stats = client.stats(branch.name());
        memory.add(stats.container().memoryUsedBytes());
        storage.add(stats.storage().usedBytes());
        limit = stats.container().memoryLimitBytes();
      }
      int answering = 0;
      for (Dto.Database branch : branches) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + branch.connection().port()
            + "/postgres", branch.connection().username(), branch.connection().password());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM pgbench_accounts")) {
          rs.next();
          answering += rs.getLong(1) == 700_000 ? 1 : 0;
        }
      }
      long hostPerBranch = (availableBefore - availableAfter) / count;
      System.out.println("| idle branches running | answering (all rows there) | container memory per branch p50 / p95 "
          + "| host memory per branch | limit per branch | storage per branch p50 | branch → ready p50 / p95 "
          + "| branches that would fit in this host's available memory |");
      System.out.println("|---|---|---|---|---|---|---|---|");
      System.out.printf("| %d | %d | %s / %s | %s | %s | %s | %d / %d ms | ~%d (%s available before) |%n", count, answering,
          mb(p(memory, 50)), mb(p(memory, 95)), mb(hostPerBranch), mb(limit), mb(p(storage, 50)),
          p(branchMillis, 50), p(branchMillis, 95), hostPerBranch > 0 ? availableBefore / hostPerBranch : -1,
          mb(availableBefore));
      System.out.println();
      System.out.println("Source: PostgreSQL 15 with pgbench scale 7 (~110 MB), one snapshot; each branch is a clone of it "
          + "with its own container (memory limit " + mb(limit) + ", PostgreSQL's defaults otherwise). Container memory is "
          + "the cgroup's usage as Docker reports it (shared clone blocks are counted once per container's page cache); "
          + "host memory is the fall of MemAvailable across all branches divided by their number, after 10 s of rest. "
          + "The projection is linear; stagDB itself does not refuse a branch for lack of host memory: the per-database "
          + "limits and resources.max are the operator's lever.");
    } finally {
      server.close();
      TestServers.cleanUp(PURPOSE);
    }
  }

  private static void settle() throws InterruptedException {
    Thread.sleep(10_000);
  }

  private static long memAvailable() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("MemAvailable:")) {
        return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
      }
    }
    throw new IllegalStateException("no MemAvailable in /proc/meminfo");
  }

  private static long p(List<Long> values, int percentile) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1));
  }

  private static String mb(long bytes) {
    return String.format("%.1f MB", bytes / 1e6);
  }
}
