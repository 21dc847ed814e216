package io.stagdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.api.Dto;
import io.stagdb.client.StagDbClient;
import io.stagdb.domain.testkit.TestHost;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} on a real server process: Prometheus text that a metrics-scoped key may
 * read (and nothing else), with figures that move as the server works — operations, requests by
 * route, databases by engine and status, the pool, webhook deliveries, reconcile actions and
 * rate-limit rejections.
 */
class MetricsIT {
  private static final String PURPOSE = "metrics";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static ServerProcess server;
  private static String url;
  private static String admin;

  @BeforeAll
  static void startServer() throws Exception {
    TestHost.requireZfsAndDocker();
    TestHost.requireImage("stagdb-test/postgres:15");
    Map<String, String> settings = TestServers.settings(PURPOSE, TestServers.freePort());
    settings.put("webhooks.timeout", "1s");
    // a volume no database owns: the start-up reconciliation reports it
    TestHost.exec(List.of("zfs", "create", "-o", "mountpoint=none", settings.get("zfs.root")));
    TestHost.exec(List.of("zfs", "create", "-o", "mountpoint=none", settings.get("zfs.root") + "/db-0000000000aa"));
    List<String> command = new ArrayList<>(List.of("java", "-jar", ServerProcess.jar().toString(), "serve"));
    command.addAll(TestServers.setArguments(settings));
    server = ServerProcess.start(command, Map.of(), Path.of("."));
    url = server.awaitUrl(Duration.ofMinutes(5));
    admin = server.adminKey();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.stop();
    }
    TestServers.cleanUp(PURPOSE);
  }

  private static HttpResponse<String> get(String path, String key) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The value of one series, e.g. {@code stagdb_databases{engine="postgresql",status="running"}}; 0 when absent. */
  static double value(String scrape, String name, String labels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{(.*)\\})? (\\S+)$").matcher(scrape);
    double sum = 0;
    boolean found = false;
    while (m.find()) {
      boolean all = true;
      for (String label : labels.split(",")) {
        all &= label.isEmpty() || m.group(1) != null && m.group(1).contains(label);
      }
      if (all) {
        sum += Double.parseDouble(m.group(2));
        found = true;
      }
    }
    return found ? sum : 0;
  }

  @Test
  void aScraperSeesTheFiguresMoveAsTheServerWorks() throws Exception {
    StagDbClient client = StagDbClient.create(URI.create(url), admin);
    Dto.ApiKey scraper = client.createApiKey(new Dto.CreateApiKey("prometheus", "metrics"));
    assertThat(get("/metrics", null).statusCode()).isEqualTo(401);
    assertThat(get("/v1/databases", scraper.key()).statusCode()).as("a metrics key reads only /metrics").isEqualTo(403);
    HttpResponse<String> first = get("/metrics", scraper.key());
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    String before = first.body();
    assertThat(before).contains("# TYPE stagdb_databases gauge").contains("jvm_memory_used_bytes");
    assertThat(value(before, "stagdb_reconcile_actions_total", "action=\"orphan_volume\",outcome=\"reported\"")).isEqualTo(1);
    assertThat(value(before, "stagdb_pool_size_bytes", "")).isPositive();

    client.createDatabase(new Dto.CreateDatabase("source", "postgresql", "15", null));
    client.createSnapshot("source", "base");
    client.branchFromSnapshot("base", new Dto.CreateBranch("branch-1", null, null));
    client.createWebhook(new Dto.CreateWebhook("http://10.255.255.1/hook", List.of("branch.created"), null));
    client.branchFromSnapshot("base", new Dto.CreateBranch("branch-2", null, null));
    client.deleteDatabaseAndWait("branch-2", false);
    StagDbClient flood = StagDbClient.create(URI.create(url), client.createApiKey(new Dto.CreateApiKey("flood", "standard")).key());
    int refused = 0;
    for (int i = 0; i < 400; i++) {
      try {
        flood.listDatabases(null, null, null, 1, 0);
      } catch (io.stagdb.client.StagDbApiException.RateLimited e) {
        refused++;
      }
    }
    assertThat(refused).as("the flood met the rate limit").isPositive();

    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String after = get("/metrics", scraper.key()).body();
    while (value(after, "stagdb_webhook_deliveries_retried_total", "") == 0 && System.nanoTime() < deadline) {
      Thread.sleep(500);
      after = get("/metrics", scraper.key()).body();
    }
    assertThat(value(after, "stagdb_operation_seconds_count", "kind=\"create\",outcome=\"success\"")).isEqualTo(1);
    assertThat(value(after, "stagdb_operation_seconds_count", "kind=\"snapshot\"")).isEqualTo(1);
    assertThat(value(after, "stagdb_operation_seconds_count", "kind=\"branch\",outcome=\"success\"")).isEqualTo(2);
    assertThat(value(after, "stagdb_operation_seconds_count", "kind=\"delete\"")).isEqualTo(1);
    assertThat(value(after, "stagdb_operation_seconds_bucket", "kind=\"branch\",outcome=\"success\",le=\"+Inf\""))
        .as("a histogram").isEqualTo(2);
    assertThat(value(after, "stagdb_databases", "engine=\"postgresql\",status=\"running\"")).isEqualTo(2);
    assertThat(value(after, "http_server_requests_seconds_count", "method=\"POST\",route=\"/v1/snapshots/{name}/branches\","
        + "status=\"201\"")).isEqualTo(2);
    assertThat(value(after, "http_server_requests_seconds_count", "route=\"/v1/databases\",status=\"403\"")).isEqualTo(1);
    assertThat(value(after, "stagdb_rate_limit_rejections_total", "kind=\"requests\"")).isEqualTo(refused);
    assertThat(value(after, "stagdb_pool_used_bytes", "")).isGreaterThan(value(before, "stagdb_pool_used_bytes", ""));
    assertThat(value(after, "stagdb_webhook_deliveries_retried_total", "")).as("the unreachable receiver's delivery").isPositive();
    assertThat(value(after, "stagdb_webhook_deliveries_pending", "")).isPositive();
  }
}
