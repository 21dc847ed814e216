package io.stagdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.access.ApiKey;
import io.stagdb.domain.testkit.TestHost;
import io.stagdb.api.Dto;
import io.stagdb.client.StagDbClient;
import io.stagdb.server.config.ConfigLoader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Over a thousand generated malformed or hostile requests across every route of the real server
 * (bad JSON, huge and deeply nested bodies, path tricks, injection strings in names, wrong types and
 * content types, missing, invalid and under-scoped keys). None may answer 5xx, and nothing may
 * change: databases, snapshots, keys, webhooks, volumes and containers are compared before and after.
 */
class HostileInputIT {
  private static final String PURPOSE = "hostile";
  private static final int REQUESTS = 1200;
  private static final List<String[]> ROUTES = List.of(
      new String[] {"POST", "/v1/databases"}, new String[] {"GET", "/v1/databases"},
      new String[] {"GET", "/v1/databases/{n}"}, new String[] {"DELETE", "/v1/databases/{n}"},
      new String[] {"POST", "/v1/databases/{n}/start"}, new String[] {"POST", "/v1/databases/{n}/stop"},
      new String[] {"POST", "/v1/databases/{n}/restart"}, new String[] {"POST", "/v1/databases/{n}/snapshots"},
      new String[] {"GET", "/v1/databases/{n}/snapshots"}, new String[] {"POST", "/v1/databases/{n}/branches"},
      new String[] {"POST", "/v1/databases/{n}/reset"}, new String[] {"GET", "/v1/databases/{n}/stats"},
      new String[] {"GET", "/v1/databases/{n}/logs"}, new String[] {"GET", "/v1/snapshots"},
      new String[] {"GET", "/v1/snapshots/{n}"}, new String[] {"DELETE", "/v1/snapshots/{n}"},
      new String[] {"POST", "/v1/snapshots/{n}/branches"}, new String[] {"POST", "/v1/webhooks"},
      new String[] {"GET", "/v1/webhooks"}, new String[] {"DELETE", "/v1/webhooks/{n}"},
      new String[] {"GET", "/v1/webhooks/{n}/deliveries"}, new String[] {"POST", "/v1/api-keys"},
      new String[] {"GET", "/v1/api-keys"}, new String[] {"DELETE", "/v1/api-keys/{n}"},
      new String[] {"GET", "/v1/openapi.json"}, new String[] {"PATCH", "/v1/databases"},
      new String[] {"PUT", "/v1/databases/{n}"}, new String[] {"GET", "/v1/nothing/{n}"});
  /** Names that are never a real database, snapshot, webhook or key here. */
  private static final List<String> HOSTILE_NAMES = List.of("../../etc/passwd", "..%2f..%2fetc", "a;DROP TABLE databases;--",
      "' OR '1'='1", "<script>alert(1)</script>", "x".repeat(5000), "ünïcødé", "null", "NaN", "-1", "UPPER",
      "a b", "a%00b", "$(reboot)", "`id`", "victim/../victim", "victim;", "victim%20", "%", "%zz", "db-000000000000",
      "wh-000000000000", "k000000000000", "*", "victim\u0000");
  private static final List<String> BODIES = List.of("{", "[]", "null", "\"x\"", "42", "true", "{\"name\":", "{}",
      "{\"name\":5,\"type\":\"pg\"}", "{\"name\":[\"a\"],\"type\":\"pg\"}", "{\"name\":{\"$ne\":1},\"type\":\"pg\"}",
      "{\"name\":\"a;DROP TABLE databases\",\"type\":\"pg\"}", "{\"name\":\"ok-name\",\"type\":\"oracle\"}",
      "{\"name\":\"ok-name\",\"type\":\"pg\",\"version\":\"9.6\"}",
      "{\"name\":\"ok-name\",\"type\":\"pg\",\"config\":{\"memory\":\"-1g\"}}",
      "{\"name\":\"ok-name\",\"type\":\"pg\",\"config\":{\"memory\":\"999999999999999999999g\"}}",
      "{\"name\":\"ok-name\",\"type\":\"pg\",\"config\":{\"port\":1e309}}",
      "{\"name\":\"ok-name\",\"type\":\"pg\",\"config\":{\"port\":-5}}",
      "{\"name\":\"ok-name\",\"type\":\"pg\",\"config\":{\"env\":{\"1BAD\":\"x\"}}}",
      "{\"name\":\"ok-name\",\"type\":\"pg\",\"config\":{\"initScripts\":[\"\"]}}",
      "{\"name\":\"ok-name\",\"type\":\"pg\",\"unknown\":true}", "{\"name\":\"\\u0000\",\"type\":\"pg\"}",
      "{\"name\":\"ok-name\",\"ttl\":\"forever\"}", "{\"name\":\"ok-name\",\"ttl\":\"-5m\"}",
      "{\"name\":\"ok-name\",\"config\":{\"env\":{\"A\":\"b\"}}}", "{\"name\":\"ok-name\",\"labels\":{\"io.stagdb.managed\":\"x\"}}",
      "{\"url\":\"file:///etc/passwd\",\"events\":[\"database.created\"]}", "{\"url\":\"gopher://x\",\"events\":[]}",
      "{\"url\":\"http://x\",\"events\":[\"database.exploded\"]}", "{\"url\":\"http://x\",\"events\":[\"database.created\"],\"secret\":\"short\"}",
      "{\"name\":\"\",\"scope\":\"root\"}", "{\"name\":\"x\",\"scope\":\"superuser\"}",
      "[".repeat(20000) + "]".repeat(20000), "{\"a\":" + "{\"a\":".repeat(5000) + "1" + "}".repeat(5001),
      "{\"name\":\"" + "a".repeat(1_100_000) + "\"}", "\u00ff\u00fe binary \u0001\u0002");
  private static final List<String> QUERIES = List.of("", "?cascade=maybe", "?limit=-1", "?limit=99999999999", "?offset=-3",
      "?tail=abc", "?tail=0", "?since=garbage", "?snapshot=../x", "?wait=perhaps", "?type=oracle", "?status=zombie",
      "?origin=%00", "?cascade=true&cascade=false");
  private static final List<String> CONTENT_TYPES = List.of("application/json", "text/plain", "application/xml",
      "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "");

  private static StagDbServer server;
  private static String adminKey;
  private static String standardKey;

  @BeforeAll
  static void start() {
    TestHost.requireZfsAndDocker();
    TestHost.requireImage("stagdb-test/postgres:15");
    Map<String, String> settings = TestServers.settings(PURPOSE, TestServers.freePort());
    settings.put("rateLimit.requestsPerSecond", "100000");   // reach validation, not only the limiter
    settings.put("rateLimit.burst", "100000");
    settings.put("rateLimit.failedAuthPerMinute", "100000");
    server = StagDbServer.start(ConfigLoader.load(null, Map.of(), settings), "test");
    adminKey = server.engine().apiKeys().issue("hostile-admin", ApiKey.Scope.ADMIN).token();
    standardKey = server.engine().apiKeys().issue("hostile-standard", ApiKey.Scope.STANDARD).token();
    StagDbClient client = StagDbClient.create(URI.create("http://127.0.0.1:" + server.port()), adminKey);
    client.createDatabase(new Dto.CreateDatabase("victim", "postgresql", "15", null));
    client.createSnapshot("victim", "victim-snap");
    client.createWebhook(new Dto.CreateWebhook("http://10.231.255.254:9/hook", List.of("database.created"), null));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    TestServers.cleanUp(PURPOSE);
  }

  /** Everything a request could have changed, in a comparable form. */
  private static String state() {
    StagDbClient client = StagDbClient.create(URI.create("http://127.0.0.1:" + server.port()), adminKey);
    StringBuilder s = new StringBuilder();
    client.listDatabases(null, null, null, 1000, 0).items().forEach(d -> s.append(d.name()).append(' ').append(d.status())
        .append(' ').append(d.connection().port()).append(' ').append(d.connection().password()).append(' ')
        .append(d.updatedAt()).append('\n'));
    client.allSnapshots().forEach(x -> s.append(x.name()).append(' ').append(x.id()).append('\n'));
    client.apiKeys().forEach(k -> s.append(k.id()).append(' ').append(k.revokedAt()).append('\n'));
    client.webhooks().forEach(w -> s.append(w.id()).append(' ').append(w.url()).append('\n'));
    s.append(TestServers.volumes(PURPOSE)).append('\n').append(TestServers.containers(PURPOSE));
    return s.toString();
  }

  /**
   * Sends, retrying once on a fresh connection when a pooled one turns out closed (the server closes
   * a connection after refusing an oversized body; the JDK client retries only idempotent methods).
   */
  private static HttpResponse<String> sendOnce(HttpClient http, HttpRequest request) throws Exception {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException staleConnection) {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void hostileRequestsGetNo5xxAndChangeNothing() throws Exception {
    String before = state();
    Random random = new Random(20261125);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    Map<Integer, Integer> statuses = new TreeMap<>();
    List<String> serverErrors = new ArrayList<>();
    String base = "http://127.0.0.1:" + server.port();
    String oversized = "{\"name\":\"" + "a".repeat(1_100_000) + "\"}";
    for (int i = 0; i < REQUESTS; i++) {
      if (i % 50 == 0) {   // past authentication and content type, so the size limit itself is reached
        try {
          HttpResponse<String> big = sendOnce(http, HttpRequest.newBuilder(URI.create(base + "/v1/databases"))
              .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + adminKey)
              .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(oversized)).build());
          assertThat(big.statusCode()).isEqualTo(413);
          statuses.merge(413, 1, Integer::sum);
        } catch (java.io.IOException closed) {
          statuses.merge(-2, 1, Integer::sum);
        }
        continue;
      }
      String[] route = ROUTES.get(random.nextInt(ROUTES.size()));
      String name = HOSTILE_NAMES.get(random.nextInt(HOSTILE_NAMES.size()));
      String segment = name.startsWith("%") || name.contains("%2f") || name.contains("%00") || name.contains("%20")
          ? name : URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
      String path = route[1].replace("{n}", segment) + QUERIES.get(random.nextInt(QUERIES.size()));
      String key = switch (random.nextInt(6)) {
        case 0 -> null;
        case 1 -> "garbage";
        case 2 -> "stagdb_k000000000000_" + "A".repeat(43);
        case 3 -> adminKey.substring(0, adminKey.length() - 1) + "x";
        case 4 -> standardKey;
        default -> adminKey;
      };
      boolean hasBody = route[0].equals("POST") || route[0].equals("PUT") || route[0].equals("PATCH") || random.nextInt(8) == 0;
      HttpRequest.Builder request;
      try {
        request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
      } catch (IllegalArgumentException unsendable) {
        statuses.merge(-1, 1, Integer::sum);   // the client refuses to send it at all
        continue;
      }
      if (key != null) {
        request.header("Authorization", (random.nextInt(10) == 0 ? "Basic " : "Bearer ") + key);
      }
      String body = BODIES.get(random.nextInt(BODIES.size()));
      String contentType = CONTENT_TYPES.get(random.nextInt(CONTENT_TYPES.size()));
      if (hasBody && !contentType.isEmpty()) {
        request.header("Content-Type", contentType);
      }
      request.method(route[0], hasBody ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
      HttpResponse<String> response;
      try {
        response = sendOnce(http, request.build());
      } catch (java.io.IOException closed) {
        // the server may refuse an oversized body without reading it and close the connection mid-upload
        assertThat(hasBody && body.length() > 1 << 20).as("connection closed on %s %s: %s", route[0], path, closed).isTrue();
        statuses.merge(-2, 1, Integer::sum);
        continue;
      }
      statuses.merge(response.statusCode(), 1, Integer::sum);
      if (response.statusCode() >= 500) {
        serverErrors.add(route[0] + " " + path.substring(0, Math.min(120, path.length())) + " -> "
            + response.statusCode() + " " + response.body().substring(0, Math.min(300, response.body().length())));
      }
      assertThat(response.body()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception:");
    }
    System.out.println("hostile input: " + REQUESTS + " generated requests (status -1: the JDK client refused to send"
        + " the URI; -2: the server closed the connection on an oversized body); statuses " + statuses);
    assertThat(serverErrors).as("5xx answers").isEmpty();
    assertThat(state()).as("state after the campaign").isEqualTo(before);
    assertThat(statuses.keySet()).as("the campaign reached validation, not only authentication")
        .contains(400, 401, 403, 404, 415);
    assertThat(statuses.getOrDefault(413, 0) + statuses.getOrDefault(-2, 0)).as("oversized bodies refused").isPositive();
  }
}
