package example.bench;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.stagdb.api.Dto;
import io.stagdb.client.StagDbClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The same 20 tests (parallelism 2; each checks it sees only the source's rows, writes, then works
 * 0.5 s) three ways side by side in one run, at each pgbench scale: {@code @StagDbBranch} (the
 * first run on a snapshot, and the same suite run again, as a developer or CI does, when the server
 * keeps the branches the first run gave back), a fresh Testcontainers container per test from a
 * baked image of the same data, and one shared database with no isolation (the floor). Then the
 * heavy-write variant. The suites run on a host at rest: after the data is loaded and baked, its
 * writes are flushed ({@code sync}) and the host left alone for {@link #SETTLE}. Needs a stagDB server (STAGDB_URL,
 * STAGDB_API_KEY); makes the sources and the baked images itself. Prints Markdown.
 *
 * <p>{@code SuiteBenchmark SCALE...} (default 10 140).
 */
public final class SuiteBenchmark {
  /** Before each run after the first: the host at rest, what the last run gave back recycled by the server. */
  static final Duration PAUSE = Duration.ofSeconds(10);
  /** After the data is loaded and baked, before the first suite: the writes of the load flushed, the host at rest. */
  static final Duration SETTLE = Duration.ofSeconds(30);

  public static void main(String[] args) throws Exception {
    List<Integer> scales = new ArrayList<>();
    for (String a : args) {
      scales.add(Integer.parseInt(a));
    }
    if (scales.isEmpty()) {
      scales = List.of(10, 140);
    }
    StagDbClient client = StagDbClient.create(URI.create(System.getenv("STAGDB_URL")), System.getenv("STAGDB_API_KEY"),
        Duration.ofMinutes(30));
    System.out.println("| data | writes | `@StagDbBranch`, first run | `@StagDbBranch`, run again " + PAUSE.toSeconds() + " s later | Testcontainers, fresh "
        + "container per test | one shared database (floor) | again vs Testcontainers | again vs floor | target |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    List<String> summaries = new ArrayList<>();
    for (int scale : scales) {
      String source = "bench-s" + scale;
      Dto.Database db = client.createDatabase(new Dto.CreateDatabase(source, "postgresql", "15",
          new Dto.Config("1g", null, "8g", null, null, null)));
      sh(Duration.ofMinutes(30), "env", "PGPASSWORD=" + db.connection().password(), "pgbench", "-q", "-i", "-s",
          Integer.toString(scale), "-h", "127.0.0.1", "-p", Integer.toString(db.connection().port()), "-U", "postgres",
          "postgres");
      long size = client.stats(source).engine().sizeBytes();
      String image = bake(scale);
      // a suite runs on data loaded long before: what loading and baking wrote is flushed first
      sh(Duration.ofMinutes(10), "sync");
      Thread.sleep(SETTLE.toMillis());
      String data = String.format(Locale.ROOT, "PostgreSQL 15, %d MB (pgbench -s %d)", size >> 20, scale);
      try {
        for (String write : List.of("light", "heavy")) {
          // a snapshot of its own per variant: the first run finds nothing made ahead for it
          String snapshot = source + "-" + write;
          client.createSnapshot(source, snapshot);
          Map<String, Double> seconds = new LinkedHashMap<>();
          seconds.put("first", run("stagdb", scale, write, image, snapshot, summaries));
          for (String suite : List.of("again", "testcontainers", "shared")) {
            // a developer's re-run comes later, and the server recycles meanwhile what the last run gave
            // back: each run starts on a host at rest
            Thread.sleep(PAUSE.toMillis());
            seconds.put(suite, run(suite.equals("again") ? "stagdb" : suite, scale, write, image, snapshot, summaries));
          }
          double tc = seconds.get("testcontainers") / seconds.get("again");
          double floor = seconds.get("again") / seconds.get("shared");
          String target = write.equals("heavy") ? "reported" : (scale < 100 ? "≥ 2× faster" : "≥ 8× faster")
              + " than Testcontainers; ≤ 1.5× the floor";
          System.out.printf(Locale.ROOT, "| %s | %s | %.1f s | %.1f s | %.1f s | %.1f s | %.1f× faster | %.2f× | %s |%n",
              data, write.equals("heavy") ? "50,000 rows deleted" : "100 rows updated", seconds.get("first"),
              seconds.get("again"), seconds.get("testcontainers"), seconds.get("shared"), tc, floor, target);
        }
      } finally {
        client.deleteDatabaseAndWait(source, true);
        sh(Duration.ofMinutes(2), "docker", "rmi", "-f", image);
      }
    }
    System.out.println();
    summaries.forEach(s -> System.out.println("- " + s));
  }

  /** Runs one suite in this JVM, as a build tool would, and returns its wall time in seconds. */
  private static double run(String suite, int scale, String write, String image, String source, List<String> notes) {
    System.setProperty("bench.scale", Integer.toString(scale));
    System.setProperty("bench.write", write);
    System.setProperty("bench.image", image);
    Class<?> type = switch (suite) {
      case "stagdb" -> StagDbSuite.class;
      case "testcontainers" -> TestcontainersSuite.class;
      default -> SharedDatabaseSuite.class;
    };
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(type))
        .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
        .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
        .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
        .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "2")
        .configurationParameter("stagdb.source", source)
        .configurationParameter("stagdb.required", "true").build();
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    Edges edges = new Edges();
    // what the tests print (stagDB's summary line among it) is kept out of the Markdown on stdout
    PrintStream markdown = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    long started = System.nanoTime();
    try {
      launcher.execute(request, listener, edges);   // includes the end of the run (stagDB's pool let go)
    } finally {
      System.setOut(markdown);
    }
    long ended = System.nanoTime();
    double seconds = (ended - started) / 1e9;
    printed.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("stagDB: ")).forEach(l ->
        notes.add(String.format(Locale.ROOT, "%s, scale %d, %s writes: %s", suite, scale, write, l.substring(8))));
    TestExecutionSummary summary = listener.getSummary();
    if (summary.getTestsSucceededCount() != 20) {
      summary.getFailures().forEach(f -> f.getException().printStackTrace());
      throw new IllegalStateException(suite + " at scale " + scale + " (" + write + "): "
          + summary.getTestsSucceededCount() + " of 20 tests passed");
    }
    notes.add(String.format(Locale.ROOT, "%s, scale %d, %s writes: %.1f s (%.2f s to the first test's start, %.2f s from the "
        + "last test's end)", suite, scale, write, seconds, (edges.first - started) / 1e9, (ended - edges.last) / 1e9));
    return seconds;
  }

  /** When the first test started and the last one finished: what a run costs before and after its tests. */
  private static final class Edges implements TestExecutionListener {
    volatile long first = Long.MAX_VALUE;
    volatile long last;

    @Override
    public synchronized void executionStarted(TestIdentifier test) {
      if (test.isTest()) {
        first = Math.min(first, System.nanoTime());
      }
    }

    @Override
    public synchronized void executionFinished(TestIdentifier test, TestExecutionResult result) {
      if (test.isTest()) {
        last = Math.max(last, System.nanoTime());
      }
    }
  }

  /** An image with the pgbench data baked in (PGDATA outside the image's VOLUME), as a Testcontainers user would make. */
  private static String bake(int scale) throws Exception {
    String tag = "stagdb-bench/pgbench-s" + scale + ":15";
    String name = "stagdb-bench-bake-" + scale;
    sh(Duration.ofMinutes(2), "docker", "rm", "-f", name);
    sh(Duration.ofMinutes(2), "docker", "run", "-d", "--name", name, "-e", "POSTGRES_USER=test", "-e", "POSTGRES_PASSWORD=test",
        "-e", "POSTGRES_DB=test", "-e", "PGDATA=/pgdata", "-p", "127.0.0.1::5432", "stagdb-test/postgres:15");
    try {
      String port = sh(Duration.ofMinutes(1), "docker", "port", name, "5432").strip().replaceAll(".*:", "");
      for (int i = 0; i < 300 && !ok("env", "PGPASSWORD=test", "psql", "-h", "127.0.0.1", "-p", port, "-U", "test", "-d", "test",
          "-Atc", "SELECT 1"); i++) {
        Thread.sleep(200);
      }
      sh(Duration.ofMinutes(30), "env", "PGPASSWORD=test", "pgbench", "-q", "-i", "-s", Integer.toString(scale), "-h",
          "127.0.0.1", "-p", port, "-U", "test", "test");
      sh(Duration.ofMinutes(5), "env", "PGPASSWORD=test", "psql", "-h", "127.0.0.1", "-p", port, "-U", "test", "-d", "test",
          "-c", "CHECKPOINT");
      sh(Duration.ofMinutes(5), "docker", "stop", name);
      sh(Duration.ofMinutes(10), "docker", "commit", name, tag);
    } finally {
      sh(Duration.ofMinutes(2), "docker", "rm", "-f", name);
    }
    return tag;
  }

  private static boolean ok(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor() == 0;
  }

  private static String sh(Duration timeout, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + new String(out));
    }
    return new String(out);
  }
}
