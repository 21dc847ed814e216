package io.stagdb.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagdb.api.Dto;
import io.stagdb.client.StagDbClient;
import io.stagdb.domain.access.ApiKey;
import io.stagdb.server.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The short branch path, step by step, through the real API: a branch of a pgbench source until it
 * accepts a login, a recycle in place, and a delete's answer, each with the server's own breakdown
 * ({@code Server-Timing}: lock, reserve, clone, recycle point, container, ready, credentials,
 * catalog). {@code BranchPathBenchmark SCALE... [--runs N]}; prints Markdown.
 */
public final class BranchPathBenchmark {
  private static final String PURPOSE = "bench-path";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static String base;
  private static String key;

  public static void main(String[] args) throws Exception {
    List<Integer> scales = new ArrayList<>();
    int runs = 20;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--runs")) {
        runs = Integer.parseInt(args[++i]);
      } else {
        scales.add(Integer.parseInt(args[i]));
      }
    }
    if (scales.isEmpty()) {
      scales = List.of(10, 140);
    }
    Map<String, String> settings = TestServers.settings(PURPOSE, TestServers.freePort());
    settings.put("resources.default.storage", "8g");
    settings.put("resources.default.memory", "1g");
    settings.remove("standby.perSnapshot");   // the default a user gets (TestServers turns them off)
    // each fresh snapshot's first branch leaves a standby behind: more databases than a test's 50 ports
    settings.put("ports.last", Integer.toString(Integer.parseInt(settings.get("ports.first")) + 199));
    StagDbServer server = StagDbServer.start(ConfigLoader.load(null, Map.of(), settings), "bench");
    try {
      key = server.engine().apiKeys().issue("bench", ApiKey.Scope.ADMIN).token();
      base = "http://127.0.0.1:" + server.port();
      StagDbClient client = StagDbClient.create(URI.create(base), key, Duration.ofMinutes(30));
      System.out.println("| data | operation | runs | p50 | p95 | target | server's breakdown, p50 of each step |");
      System.out.println("|---|---|---|---|---|---|---|");
      for (int scale : scales) {
        measure(client, scale, runs);
      }
    } finally {
      server.close();
      TestServers.cleanUp(PURPOSE);
    }
  }

  private static void measure(StagDbClient client, int scale, int runs) throws Exception {
    String name = "path-" + scale;
    Dto.Database source = client.createDatabase(new Dto.CreateDatabase(name, "postgresql", "15", null));
    BranchBenchmark.pgbench(source, scale);
    client.createSnapshot(name, name + "-base");
    long size = client.stats(name).engine().sizeBytes();
    String data = String.format(Locale.ROOT, "PostgreSQL 15, %d MB (pgbench -s %d)", size >> 20, scale);

    Timings cold = new Timings();
    Timings branch = new Timings();
    Timings recycle = new Timings();
    Timings delete = new Timings();
    List<Dto.Database> made = new ArrayList<>();
    for (int i = 0; i < runs; i++) {   // the first branch of a snapshot: nothing made ahead for it yet
      String snapshot = name + "-fresh" + i;
      client.createSnapshot(name, snapshot);
      made.add(branch(cold, "/v1/snapshots/" + snapshot + "/branches", name + "-c" + i));
    }
    branch(new Timings(), "/v1/snapshots/" + name + "-base/branches", name + "-warmup");   // its standby is made now
    for (int i = 0; i < runs; i++) {   // as CI builds ask, one every couple of seconds: a standby is ready each time
      Thread.sleep(2000);
      made.add(branch(branch, "/v1/snapshots/" + name + "-base/branches", name + "-b" + i));
    }
    for (Dto.Database b : made.subList(0, runs)) {
      BranchBenchmark.write(b);   // a test's change, which the recycle throws away
      long t0 = System.nanoTime();
      HttpResponse<String> answer = call("POST", "/v1/databases/" + b.name() + "/recycle", null);
      BranchBenchmark.selectOne(b, "postgres");
      recycle.add(System.nanoTime() - t0, answer);
    }
    Timings parallel = new Timings();
    List<Dto.Database> four = made.subList(runs, Math.min(made.size(), runs + 4));
    for (int round = 0; round < 3; round++) {   // as a pool recycles for tests running two at a time
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(four.size());
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (Dto.Database b : four) {
        done.add(pool.submit(() -> {
          BranchBenchmark.write(b);
          long t0 = System.nanoTime();
          HttpResponse<String> answer = call("POST", "/v1/databases/" + b.name() + "/recycle", null);
          BranchBenchmark.selectOne(b, "postgres");
          synchronized (parallel) {
            parallel.add(System.nanoTime() - t0, answer);
          }
          return null;
        }));
      }
      for (var f : done) {
        f.get();
      }
      pool.shutdown();
    }
    for (Dto.Database b : made) {
      long t0 = System.nanoTime();
      HttpResponse<String> answer = call("DELETE", "/v1/databases/" + b.name(), null);
      delete.add(System.nanoTime() - t0, answer);
    }
    System.out.println(cold.row(data, "branch (recyclable), the snapshot's first → accepting a login", "reported"));
    System.out.println(branch.row(data, "branch (recyclable), a standby ready → accepting a login", "p50 ≤ 300 ms"));
    System.out.println(recycle.row(data, "recycle in place → accepting a login", "p50 ≤ 250 ms"));
    System.out.println(parallel.row(data, "recycle in place, " + four.size() + " at once", "reported"));
    System.out.println(delete.row(data, "DELETE answered (finished in the background)", "p50 ≤ 100 ms"));
    client.deleteDatabaseAndWait(name, true);
  }

  /** Branches through the API and waits until the branch accepts a login, timing both. */
  private static Dto.Database branch(Timings into, String path, String branch) throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<String> answer = call("POST", path, "{\"name\":\"" + branch + "\",\"recyclable\":true}");
    Dto.Database created = JSON.readValue(answer.body(), Dto.Database.class);
    BranchBenchmark.selectOne(created, "postgres");
    into.add(System.nanoTime() - t0, answer);
    return created;
  }

  private static HttpResponse<String> call(String method, String path, String body) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + key)
        .timeout(Duration.ofMinutes(5));
    if (body == null) {
      r.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      r.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> response = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return response;
  }

  /** Wall times of one operation and the server's steps of each. */
  static final class Timings {
    final List<Long> totals = new ArrayList<>();
    final Map<String, List<Double>> steps = new LinkedHashMap<>();

    void add(long nanos, HttpResponse<String> response) {
      totals.add(nanos);
      response.headers().firstValue("Server-Timing").ifPresent(header -> {
        for (String part : header.split(",\\s*")) {
          String[] kv = part.split(";dur=");
          steps.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(Double.parseDouble(kv[1]));
        }
      });
    }

    String row(String data, String operation, String target) {
      StringBuilder breakdown = new StringBuilder();
      steps.forEach((step, values) -> breakdown.append(breakdown.length() == 0 ? "" : ", ").append(step).append(' ')
          .append(String.format(Locale.ROOT, "%.0f", percentile(values, 50))));
      return String.format(Locale.ROOT, "| %s | %s | %d | %.0f ms | %.0f ms | %s | %s |", data, operation, totals.size(),
          millis(50), millis(95), target, breakdown.length() == 0 ? "-" : breakdown + " (ms)");
    }

    private double millis(int p) {
      List<Double> ms = totals.stream().map(n -> n / 1e6).toList();
      return percentile(ms, p);
    }
  }

  static double percentile(List<Double> values, int p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
