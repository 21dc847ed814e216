package io.stagdb.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.stagdb.domain.access.ApiKey;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.model.SnapshotName;
import io.stagdb.domain.port.in.CreateDatabase;
import io.stagdb.domain.testkit.TestHost;
import io.stagdb.server.StagDbServer;
import io.stagdb.server.TestServers;
import io.stagdb.server.config.ConfigLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Per-test cost of {@code @StagDbBranch}: how long taking a branch takes in {@code beforeEach},
 * with the warm pool and without, for a 100 MB and a 2 GB source (pgbench data), with tests that
 * each take a second. Run by {@code scripts/bench junit}; prints Markdown.
 */
public final class JunitBenchmark {
  private static final String PURPOSE = "bench-junit";

  /** 15 tests of 1 s each on the 100 MB source. */
  @StagDbBranch(source = "bench-100mb-base")
  static class Small {
    @RepeatedTest(15)
    void work(Branch branch) throws InterruptedException {
      Thread.sleep(1000);
    }
  }

  /** 15 tests of 1 s each on the 2 GB source. */
  @StagDbBranch(source = "bench-2gb-base")
  static class Large {
    @RepeatedTest(15)
    void work(Branch branch) throws InterruptedException {
      Thread.sleep(1000);
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> settings = TestServers.settings(PURPOSE, TestServers.freePort());
    settings.put("resources.default.storage", "8g");
    StagDbServer server = StagDbServer.start(ConfigLoader.load(null, Map.of(), settings), "bench");
    try {
      String key = server.engine().apiKeys().issue("bench", ApiKey.Scope.ADMIN).token();
      System.setProperty("stagdb.url", "http://127.0.0.1:" + server.port());
      System.setProperty("stagdb.apiKey", key);
      String small = source(server, "bench-100mb", 7);
      String large = source(server, "bench-2gb", 140);
      System.out.println("| source | pool | acquisitions | p50 | p95 | target |");
      System.out.println("|---|---|---|---|---|---|");
      List<String> details = new ArrayList<>();
      for (Class<?> suite : List.of(Small.class, Large.class)) {
        String size = suite == Small.class ? small : large;
        List<Double> warm = run(suite, "2");
        List<Double> cold = run(suite, "0");
        // the run's first test finds its pool just started, with nothing ready yet
        row(size, "warm (2), tests 2-15", warm.subList(1, warm.size()), "p50 ≤ 5 ms, p95 ≤ 20 ms");
        row(size, "warm (2), the run's first test", warm.subList(0, 1), "—");
        row(size, "none (cold)", cold, "reported");
        details.add(size + ": warm " + warm + "; cold " + cold);
      }
      System.out.println();
      System.out.println("Every acquisition, in test order (ms):");
      System.out.println();
      details.forEach(d -> System.out.println("- " + d));
    } finally {
      server.close();
      TestServers.cleanUp(PURPOSE);
    }
  }

  /** A PostgreSQL source filled by pgbench at {@code scale}, and its snapshot; returns its size. */
  private static String source(StagDbServer server, String name, int scale) {
    var db = server.engine().create(CreateDatabase.of(DatabaseName.of(name), EngineVersion.parse("postgresql", "15")));
    TestHost.Result init = TestHost.exec(List.of("env", "PGPASSWORD=" + db.credentials().password(), "pgbench", "-q",
        "-h", "127.0.0.1", "-p", Integer.toString(db.port()), "-U", "postgres", "-i", "-s", Integer.toString(scale),
        "postgres"), java.time.Duration.ofMinutes(20));
    if (!init.ok()) {
      throw new IllegalStateException("pgbench -i failed: " + init.stderr());
    }
    server.engine().snapshot(db.name(), SnapshotName.of(name + "-base"));
    long bytes = server.engine().stats(db.name()).engine().sizeBytes();
    return String.format("PostgreSQL 15, %d MB (pgbench -s %d)", bytes >> 20, scale);
  }

  private static List<Double> run(Class<?> suite, String poolSize) {
    List<Double> millis = new ArrayList<>();
    EngineTestKit.engine("junit-jupiter").configurationParameter("stagdb.pool.size", poolSize)
        .selectors(selectClass(suite)).execute().allEvents().reportingEntryPublished().stream()
        .map(e -> e.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs().get("stagdb.acquireMicros"))
        .filter(v -> v != null).forEach(v -> millis.add(Math.round(Long.parseLong(v) / 100.0) / 10.0));
    if (millis.size() != 15) {
      throw new IllegalStateException(suite.getSimpleName() + ": expected 15 acquisitions, got " + millis.size());
    }
    return millis;
  }

  private static void row(String source, String pool, List<Double> millis, String target) {
    List<Double> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    System.out.printf("| %s | %s | %d | %.1f ms | %.1f ms | %s |%n", source, pool, sorted.size(),
        sorted.get((int) Math.ceil(0.5 * sorted.size()) - 1), sorted.get((int) Math.ceil(0.95 * sorted.size()) - 1), target);
  }
}
