package io.stagdb.server;

import io.stagdb.domain.testkit.TestHost;
import io.stagdb.api.Dto;
import io.stagdb.client.StagDbClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmarks the real server process (SQLite catalog, ZFS, Docker): start-up with 50 databases in
 * the catalog (migrate + reconcile + API up), and authenticated {@code GET /v1/databases/{name}}
 * throughput and latency under wrk. Run by {@code scripts/bench startup rest}; prints Markdown.
 *
 * <p>Arguments: which parts to run ({@code startup}, {@code rest}).
 */
public final class ServerBenchmark {
  private static final String PURPOSE = "bench-server";
  private static final Pattern STARTED = Pattern.compile("started in (\\d+) ms");

  public static void main(String[] args) throws Exception {
    List<String> parts = List.of(args);
    Map<String, String> settings = TestServers.settings(PURPOSE, TestServers.freePort());
    settings.put("rateLimit.requestsPerSecond", "1000000");   // measure the server, not the limiter
    settings.put("rateLimit.burst", "1000000");
    settings.put("ports.last", Integer.toString(Integer.parseInt(settings.get("ports.first")) + 49));
    settings.put("resources.default.memory", "256m");
    List<String> command = new ArrayList<>(List.of("java", "-jar", ServerProcess.jar().toString(), "serve"));
    command.addAll(TestServers.setArguments(settings));
    ServerProcess server = ServerProcess.start(command, Map.of(), Path.of("."));
    try {
      String url = server.awaitUrl(Duration.ofSeconds(60));
      String key = server.adminKey();
      StagDbClient client = StagDbClient.create(URI.create(url), key);
      client.createDatabase(new Dto.CreateDatabase("bench-src", "postgresql", "15", null));
      client.createSnapshot("bench-src", "bench-base");
      for (int i = 1; i < 50; i++) {
        client.branchFromSnapshot("bench-base", new Dto.CreateBranch("bench-" + i, null, null));
      }
      int databases = client.listDatabases(null, null, null, 1000, 0).total();

      if (parts.contains("startup")) {
        List<Long> toUp = new ArrayList<>();
        List<Long> internal = new ArrayList<>();
        for (int run = 0; run < 7; run++) {
          server.stop();
          long t0 = System.nanoTime();
          server = ServerProcess.start(command, Map.of(), Path.of("."));
          server.awaitUrl(Duration.ofSeconds(60));
          toUp.add((System.nanoTime() - t0) / 1_000_000);
          Matcher m = STARTED.matcher(server.output());
          if (m.find()) {
            internal.add(Long.parseLong(m.group(1)));
          }
        }
        System.out.println("### Server start with " + databases + " databases in the catalog (running)");
        System.out.println();
        System.out.println("| measured | runs | p50 | p95 | target |");
        System.out.println("|---|---|---|---|---|");
        row("catalog migrated + reconciled + API listening (server's own timer)", internal, "≤ 2 s");
        row("process start → \"is up\" printed (includes JVM start)", toUp, "—");
        System.out.println();
      }
      if (parts.contains("rest")) {
        url = server.awaitUrl(Duration.ofSeconds(5));
        System.out.println("### REST: authenticated `GET /v1/databases/{name}` on loopback (wrk, same 2-core machine)");
        System.out.println();
        System.out.println("| connections | requests/s | p50 | p90 | p99 | target |");
        System.out.println("|---|---|---|---|---|---|");
        for (int connections : new int[] {8, 32}) {
          TestHost.Result warm = wrk(url, key, connections, 5);
          TestHost.Result r = wrk(url, key, connections, 20);
          if (!r.ok() || !warm.ok()) {
            throw new IllegalStateException("wrk failed: " + r.stderr() + r.stdout());
          }
          System.out.printf("| %d | %s | %s | %s | %s | ≥ 5,000/s, p99 < 10 ms |%n", connections,
              find(r.stdout(), "Requests/sec:\\s+([\\d.]+)"), find(r.stdout(), "\\s50%\\s+(\\S+)"),
              find(r.stdout(), "\\s90%\\s+(\\S+)"), find(r.stdout(), "\\s99%\\s+(\\S+)"));
          String errors = find(r.stdout(), "Non-2xx or 3xx responses: (\\d+)");
          if (!errors.equals("-")) {
            throw new IllegalStateException("non-2xx answers during the run: " + errors);
          }
        }
        System.out.println();
        System.out.println("Rate limits raised for this run (rateLimit.* = 1000000) so the server, not the limiter, is measured.");
      }
      client = StagDbClient.create(URI.create(server.awaitUrl(Duration.ofSeconds(5))), key);
      client.deleteDatabase("bench-src", true);
    } finally {
      server.stop();
      TestServers.cleanUp(PURPOSE);
    }
  }

  private static TestHost.Result wrk(String url, String key, int connections, int seconds) {
    return TestHost.exec(List.of("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency",
        "-H", "Authorization: Bearer " + key, url + "/v1/databases/bench-src"), Duration.ofSeconds(seconds + 60));
  }

  private static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? m.group(1) : "-";
  }

  private static void row(String what, List<Long> millis, String target) {
    List<Long> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    long p50 = sorted.get((int) Math.ceil(0.5 * sorted.size()) - 1);
    long p95 = sorted.get((int) Math.ceil(0.95 * sorted.size()) - 1);
    System.out.printf("| %s | %d | %d ms | %d ms | %s |%n", what, sorted.size(), p50, p95, target);
  }
}
