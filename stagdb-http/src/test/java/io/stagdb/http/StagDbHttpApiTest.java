package io.stagdb.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagdb.api.Dto;
import io.stagdb.client.StagDbApiException;
import io.stagdb.client.StagDbClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every route over real HTTP (random loopback port) on the in-memory adapters, positive and negative. */
class StagDbHttpApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SEED_CREATE = """
      {
      "name": "my-app-db",
      "type": "postgresql",
      "version": "15",
      "config": {
      "memory": "1g",
      "storage": "10g"
      }
      }""";

  @TempDir
  Path dir;
  ApiFixture f;
  StagDbClient client;

  @BeforeEach
  void start() {
    f = new ApiFixture(dir);
    client = f.client();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  static void assertProblem(HttpResponse<String> response, int status, String type) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    JsonNode problem = json(response);
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("type").asText()).isEqualTo("urn:stagdb:problem:" + type);
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void theSeedsCreateExampleWorksAsWritten() throws Exception {
    // curl -d sends this content type, and the seed's examples set no other
    HttpResponse<String> r = f.raw("POST", "/v1/databases", f.standardKey, "application/x-www-form-urlencoded", SEED_CREATE);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode db = json(r);
    assertThat(db.get("id").asText()).startsWith("db-");
    assertThat(db.get("status").asText()).isEqualTo("running");
    JsonNode c = db.get("connection");
    assertThat(c.get("host").asText()).isEqualTo("db.example.test");
    assertThat(c.get("username").asText()).isEqualTo("postgres");
    String password = c.get("password").asText();
    assertThat(password).isNotBlank();
    assertThat(db.get("url").asText()).isEqualTo("postgresql://postgres:" + password + "@db.example.test:"
        + c.get("port").asInt() + "/postgres");
    assertThat(db.get("resources").get("memory").asText()).isEqualTo("1g");
    assertThat(db.get("resources").get("storage").asText()).isEqualTo("10g");
  }

  @Test
  void theWholeLifecycleThroughTheClient() {
    Dto.Database db = client.createDatabase(new Dto.CreateDatabase("prod-db", "postgres", "15",
        new Dto.Config("512m", "0.5", "2g", null, Map.of("TZ", "UTC"), List.of("CREATE TABLE t (x int)"))));
    assertThat(db.resources()).isEqualTo(new Dto.Resources("512m", "0.5", "2g"));
    assertThat(client.getDatabase("prod-db").id()).isEqualTo(db.id());
    assertThat(client.stop("prod-db").status()).isEqualTo("stopped");
    assertThat(client.start("prod-db").status()).isEqualTo("running");
    assertThat(client.restart("prod-db").status()).isEqualTo("running");

    Dto.Snapshot snapshot = client.createSnapshot("prod-db", "pre-migration-v2.0");
    assertThat(snapshot.database()).isEqualTo("prod-db");
    Dto.Database test = client.branchFromSnapshot("pre-migration-v2.0", new Dto.CreateBranch("migration-test", null, "2h"));
    assertThat(test.origin()).isEqualTo("pre-migration-v2.0");
    assertThat(test.expiresAt()).isNotNull();
    assertThat(test.connection().password()).isNotEqualTo(db.connection().password());
    Dto.Database feature = client.branchFromDatabase("prod-db",
        new Dto.CreateBranch("feature-user-auth", new Dto.Config("1g", null, null, null, null, null), null));
    assertThat(feature.resources().memory()).isEqualTo("1g");
    assertThat(feature.origin()).startsWith("auto-");

    assertThat(client.getSnapshot("pre-migration-v2.0").branches()).containsExactly("migration-test");
    assertThat(client.snapshots("prod-db")).hasSize(2);
    assertThat(client.allSnapshots()).hasSize(2);
    assertThat(client.listDatabases(null, null, null, 100, 0).total()).isEqualTo(3);
    assertThat(client.listDatabases("postgresql", "running", "pre-migration-v2.0", 100, 0).items())
        .extracting(Dto.Database::name).containsExactly("migration-test");
    assertThat(client.listDatabases(null, null, null, 2, 2).items()).hasSize(1);
    assertThat(client.listDatabases("mysql", null, null, 100, 0).total()).isZero();

    client.createSnapshot("prod-db", "second");
    assertThat(client.reset("migration-test", "second").origin()).isEqualTo("second");
    assertThat(client.reset("migration-test", null).origin()).isEqualTo("second");

    Dto.Stats stats = client.stats("prod-db");
    assertThat(stats.container().memoryLimitBytes()).isEqualTo(512L << 20);
    assertThat(stats.engine().sizeBytes()).isPositive();
    assertThat(stats.storage().quotaBytes()).isEqualTo(2L << 30);
    assertThat(client.logs("prod-db", 10)).contains("ready");

    assertThatThrownBy(() -> client.deleteDatabase("prod-db", false)).isInstanceOfSatisfying(
        StagDbApiException.Conflict.class, e -> {
          assertThat(e.problem().reason()).isEqualTo("has_dependents");
          assertThat(e.problem().dependents()).contains("migration-test", "feature-user-auth");
        });
    client.deleteSnapshot("second", true);
    Dto.Database deleting = client.deleteDatabase("prod-db", true);   // answered at once, finished in the background
    assertThat(deleting.status()).isEqualTo("deleting");
    assertThat(f.stag.service.awaitBackgroundWork(java.time.Duration.ofSeconds(10))).isTrue();
    assertThat(client.listDatabases(null, null, null, 100, 0).total()).isZero();
    assertThat(client.allSnapshots()).isEmpty();
  }

  @Test
  void aDeleteAnswersAtOnceAndTheNameIsFreeOnlyOnceTheVolumeIsGone() throws Exception {
    client.createDatabase(new Dto.CreateDatabase("short-lived", "pg", "15", null));
    io.stagdb.domain.testkit.Faults.Pause held = f.stag.faults.pauseOnCall("volumes.destroy", 1);
    HttpResponse<String> r = f.raw("DELETE", "/v1/databases/short-lived", f.standardKey, null, null);
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(JSON.readTree(r.body()).get("status").asText()).isEqualTo("deleting");
    assertThat(held.awaitReached(10)).isTrue();
    try {
      assertThat(client.getDatabase("short-lived").status()).isEqualTo("deleting");
      assertThatThrownBy(() -> client.createDatabase(new Dto.CreateDatabase("short-lived", "pg", "15", null)))
          .isInstanceOfSatisfying(StagDbApiException.Conflict.class, e -> {
            assertThat(e.problem().reason()).isEqualTo("busy");
            assertThat(e.problem().detail()).contains("being deleted").contains("free again once its volume is gone");
          });
    } finally {
      held.release();
    }
    assertThat(f.stag.service.awaitBackgroundWork(java.time.Duration.ofSeconds(10))).isTrue();
    assertThatThrownBy(() -> client.getDatabase("short-lived")).isInstanceOf(StagDbApiException.NotFound.class);
    client.createDatabase(new Dto.CreateDatabase("short-lived", "pg", "15", null));
    client.deleteDatabaseAndWait("short-lived", false);   // wait=true: 204 once gone
    assertThatThrownBy(() -> client.getDatabase("short-lived")).isInstanceOf(StagDbApiException.NotFound.class);
  }

  @Test
  void aRecyclableBranchIsRecycledInPlace() {
    client.createDatabase(new Dto.CreateDatabase("source", "pg", "15", null));
    client.createSnapshot("source", "base");
    Dto.Database pooled = client.branchFromSnapshot("base", new Dto.CreateBranch("pooled", null, null, null, true));
    Dto.Database recycled = client.recycle("pooled");
    assertThat(recycled.status()).isEqualTo("running");
    assertThat(recycled.connection().port()).isEqualTo(pooled.connection().port());
    assertThat(recycled.connection().password()).isEqualTo(pooled.connection().password());
    client.branchFromSnapshot("base", new Dto.CreateBranch("plain", null, null));
    assertThatThrownBy(() -> client.recycle("plain")).isInstanceOfSatisfying(StagDbApiException.Conflict.class,
        e -> assertThat(e.problem().detail()).contains("not created recyclable"));
  }

  @Test
  void asynchronousCreateAnswers202WithALocationToPoll() throws Exception {
    HttpResponse<String> r = f.raw("POST", "/v1/databases?wait=false", f.standardKey, "application/json",
        "{\"name\":\"later\",\"type\":\"pg\"}");
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(r.headers().firstValue("Location")).contains("/v1/databases/later");
    long deadline = System.currentTimeMillis() + 10_000;
    String status = "";
    while (!status.equals("running") && System.currentTimeMillis() < deadline) {
      try {
        status = client.getDatabase("later").status();
      } catch (StagDbApiException.NotFound notYet) {
        Thread.sleep(20);
      }
    }
    assertThat(status).isEqualTo("running");
  }

  @Test
  void anAsynchronousCreateThatFailsSaysWhyWhenPolled() throws Exception {
    f.stag.faults.failOnCall("runtime.awaitReady", 1);
    client.createDatabaseAsync(new Dto.CreateDatabase("doomed", "pg", "15", null));
    assertThat(f.stag.service.awaitBackgroundWork(java.time.Duration.ofSeconds(10))).isTrue();
    Dto.Database doomed = client.getDatabase("doomed");   // a durable record of the failure, until deleted
    assertThat(doomed.status()).isEqualTo("failed");
    assertThat(doomed.statusDetail()).contains("create failed").contains("injected fault");
    assertThat(f.stag.volumeNames()).isEmpty();
    assertThat(f.stag.runtime.list()).isEmpty();
    client.deleteDatabaseAndWait("doomed", false);
    assertThat(client.listDatabases(null, null, null, 100, 0).total()).isZero();
  }

  @Test
  void authenticationIsRequiredOnEveryV1RouteButNotHealth() throws Exception {
    f.close();
    f = new ApiFixture(dir, new ApiSettings("db.example.test", 50, 100, 1000, 1 << 20, "test", java.time.Duration.ofSeconds(5)));
    assertThat(f.raw("GET", "/healthz", null, null, null).statusCode()).isEqualTo(200);
    for (StagDbHttpApi.Route route : f.api.routes()) {
      if (route.scope() == null) {
        continue;
      }
      String path = route.path().replace("{name}", "x").replace("{id}", "x");
      HttpResponse<String> r = f.raw(route.method().name(), path, null, "application/json", "{}");
      assertProblem(r, 401, "unauthorized");
      assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"stagdb\"");
    }
    assertProblem(f.raw("GET", "/v1/databases", "stagdb_k000000000000_" + "A".repeat(43), null, null), 401, "unauthorized");
    assertProblem(f.raw("GET", "/v1/databases", "not-even-a-key", null, null), 401, "unauthorized");
  }

  @Test
  void eachKeyHasItsOwnTokenBucket() throws Exception {
    f.close();
    f = new ApiFixture(dir, new ApiSettings("db.example.test", 1, 3, 20, 1 << 20, "test", java.time.Duration.ofSeconds(5)));
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> ok = f.raw("GET", "/v1/databases", f.standardKey, null, null);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("RateLimit-Limit")).contains("3");
      assertThat(ok.headers().firstValue("RateLimit-Remaining")).contains(Integer.toString(2 - i));
    }
    HttpResponse<String> limited = f.raw("GET", "/v1/databases", f.standardKey, null, null);
    assertProblem(limited, 429, "rate-limited");
    assertThat(limited.headers().firstValue("Retry-After")).contains("1");
    assertThat(limited.headers().firstValue("RateLimit-Remaining")).contains("0");
    assertThat(f.raw("GET", "/v1/databases", f.adminKey, null, null).statusCode()).as("another key").isEqualTo(200);
    Thread.sleep(1100);
    assertThat(f.raw("GET", "/v1/databases", f.standardKey, null, null).statusCode()).as("refilled").isEqualTo(200);
  }

  @Test
  void anAddressThatKeepsFailingAuthenticationIsThrottled() throws Exception {
    f.close();
    f = new ApiFixture(dir, new ApiSettings("db.example.test", 50, 100, 3, 1 << 20, "test", java.time.Duration.ofSeconds(5)));
    for (int i = 0; i < 3; i++) {
      assertProblem(f.raw("GET", "/v1/databases", "stagdb_wrong", null, null), 401, "unauthorized");
    }
    HttpResponse<String> blocked = f.raw("GET", "/v1/databases", f.standardKey, null, null);
    assertProblem(blocked, 429, "rate-limited");
    assertThat(blocked.headers().firstValue("Retry-After")).isPresent();
  }

  @Test
  void keysNeedTheAdminScopeAndTheLastAdminKeyStays() {
    assertThatThrownBy(() -> client.apiKeys()).isInstanceOf(StagDbApiException.Forbidden.class);
    StagDbClient admin = f.admin();
    Dto.ApiKey created = admin.createApiKey(new Dto.CreateApiKey("ci", null));
    assertThat(created.scope()).isEqualTo("standard");
    assertThat(created.key()).startsWith("stagdb_");
    StagDbClient ci = StagDbClient.create(f.base(), created.key());
    assertThat(ci.listDatabases(null, null, null, 10, 0).total()).isZero();
    assertThat(admin.apiKeys()).extracting(Dto.ApiKey::key).containsOnlyNulls();
    admin.revokeApiKey(created.id());
    assertThatThrownBy(() -> ci.listDatabases(null, null, null, 10, 0)).isInstanceOf(StagDbApiException.Unauthorized.class);
    String adminId = admin.apiKeys().stream().filter(k -> k.scope().equals("admin")).findFirst().orElseThrow().id();
    assertThatThrownBy(() -> admin.revokeApiKey(adminId)).isInstanceOf(StagDbApiException.Conflict.class)
        .hasMessageContaining("last active admin key");
    assertThatThrownBy(() -> admin.createApiKey(new Dto.CreateApiKey("x", "root")))
        .isInstanceOfSatisfying(StagDbApiException.BadRequest.class, e -> assertThat(e.problem().field()).isEqualTo("scope"));
    assertThatThrownBy(() -> admin.revokeApiKey("k999999999999")).isInstanceOf(StagDbApiException.NotFound.class);
  }

  @Test
  void badInputIsA4xxProblemNamingTheField() throws Exception {
    String key = f.standardKey;
    assertProblem(f.raw("POST", "/v1/databases", key, "application/json", "{\"name\": "), 400, "malformed-json");
    // beyond Jackson's limits (a 2,000-digit number, 5,000 levels of nesting): a 400 either way, never a 500
    for (String extreme : List.of("{\"name\":\"a\",\"type\":\"pg\",\"config\":{\"port\":" + "1".repeat(2000) + "}}",
        "[".repeat(5000) + "]".repeat(5000), "{\"name\":" + "{\"a\":".repeat(5000) + "1" + "}".repeat(5001))) {
      HttpResponse<String> r = f.raw("POST", "/v1/databases", key, "application/json", extreme);
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(json(r).get("type").asText()).isIn("urn:stagdb:problem:malformed-json", "urn:stagdb:problem:invalid-request");
    }
    HttpResponse<String> unknown = f.raw("POST", "/v1/databases", key, "application/json",
        "{\"name\":\"a\",\"type\":\"pg\",\"config\":{\"memroy\":\"1g\"}}");
    assertProblem(unknown, 400, "invalid-request");
    assertThat(json(unknown).get("field").asText()).isEqualTo("config.memroy");
    HttpResponse<String> wrongType = f.raw("POST", "/v1/databases", key, "application/json", "{\"name\":5,\"type\":\"pg\"}");
    assertProblem(wrongType, 400, "invalid-request");
    assertThat(json(wrongType).get("field").asText()).isEqualTo("name");
    HttpResponse<String> wrongPort = f.raw("POST", "/v1/databases", key, "application/json",
        "{\"name\":\"a\",\"type\":\"pg\",\"config\":{\"port\":\"15432\"}}");
    assertThat(json(wrongPort).get("field").asText()).isEqualTo("config.port");
    HttpResponse<String> badName = f.raw("POST", "/v1/databases", key, "application/json", "{\"name\":\"Bad Name\",\"type\":\"pg\"}");
    assertProblem(badName, 400, "invalid-request");
    assertThat(json(badName).get("field").asText()).isEqualTo("name");
    HttpResponse<String> memory = f.raw("POST", "/v1/databases", key, "application/json",
        "{\"name\":\"a\",\"type\":\"pg\",\"config\":{\"memory\":\"64g\"}}");
    assertThat(json(memory).get("field").asText()).isEqualTo("config.memory");
    assertThat(json(memory).get("detail").asText()).contains("between 256m and 4g");
    HttpResponse<String> engine = f.raw("POST", "/v1/databases", key, "application/json", "{\"name\":\"a\",\"type\":\"oracle\"}");
    assertThat(json(engine).get("field").asText()).isEqualTo("type");
    assertThat(json(engine).get("detail").asText()).contains("postgresql 12|13|14|15|16");
    HttpResponse<String> version = f.raw("POST", "/v1/databases", key, "application/json",
        "{\"name\":\"a\",\"type\":\"mysql\",\"version\":\"9.9\"}");
    assertThat(json(version).get("field").asText()).isEqualTo("version");
    assertProblem(f.raw("POST", "/v1/databases", key, "text/plain", "{}"), 415, "unsupported-media-type");
    assertProblem(f.raw("POST", "/v1/databases", key, "application/xml", "<a/>"), 415, "unsupported-media-type");
    assertProblem(f.raw("POST", "/v1/databases", key, "multipart/form-data; boundary=x", "{}"), 415, "unsupported-media-type");
    assertProblem(f.raw("POST", "/v1/databases", key, null, "{}"), 415, "unsupported-media-type");
    assertProblem(f.raw("POST", "/v1/databases", key, "application/json", ""), 400, "invalid-request");
    assertProblem(f.raw("POST", "/v1/databases", key, "application/json", "null"), 400, "invalid-request");
    assertProblem(f.raw("POST", "/v1/databases", key, "application/json", "[]"), 400, "invalid-request");
    String huge = "{\"name\":\"" + "a".repeat(1_100_000) + "\"}";
    assertProblem(f.raw("POST", "/v1/databases", key, "application/json", huge), 413, "payload-too-large");
    assertProblem(f.raw("GET", "/v1/databases?limit=0", key, null, null), 400, "invalid-request");
    assertProblem(f.raw("GET", "/v1/databases?status=sleeping", key, null, null), 400, "invalid-request");
    assertProblem(f.raw("GET", "/v1/databases/NOT..valid", key, null, null), 400, "invalid-request");
    assertProblem(f.raw("DELETE", "/v1/databases/x?cascade=maybe", key, null, null), 400, "invalid-request");
    assertProblem(f.raw("GET", "/v1/nothing-here", key, null, null), 404, "not-found");
    assertProblem(f.raw("PATCH", "/v1/databases", key, "application/json", "{}"), 405, "method-not-allowed");
    HttpResponse<String> ttl = f.raw("POST", "/v1/snapshots/s/branches", key, "application/json", "{\"name\":\"b\",\"ttl\":\"forever\"}");
    assertProblem(ttl, 400, "invalid-request");
    assertThat(json(ttl).get("field").asText()).isEqualTo("ttl");
    assertThat(f.stag.catalog.databases()).isEmpty();
  }

  @Test
  void duplicatesAndMissingParentsAreConflictsAndNotFound() {
    client.createDatabase(new Dto.CreateDatabase("dup", "pg", null, null));
    assertThatThrownBy(() -> client.createDatabase(new Dto.CreateDatabase("dup", "pg", null, null)))
        .isInstanceOfSatisfying(StagDbApiException.Conflict.class, e -> assertThat(e.problem().reason()).isEqualTo("already_exists"));
    assertThatThrownBy(() -> client.branchFromSnapshot("no-such-snapshot", new Dto.CreateBranch("b", null, null)))
        .isInstanceOf(StagDbApiException.NotFound.class).hasMessageContaining("no-such-snapshot");
    assertThatThrownBy(() -> client.branchFromDatabase("no-such-db", new Dto.CreateBranch("b", null, null)))
        .isInstanceOf(StagDbApiException.NotFound.class);
    assertThatThrownBy(() -> client.createSnapshot("no-such-db", "s")).isInstanceOf(StagDbApiException.NotFound.class);
    assertThatThrownBy(() -> client.reset("dup", null)).isInstanceOf(StagDbApiException.Conflict.class);
    assertThatThrownBy(() -> client.getSnapshot("nope")).isInstanceOf(StagDbApiException.NotFound.class);
  }

  @Test
  void infrastructureFailuresAre503AndBugsAre500WithAnErrorId() {
    f.stag.faults.failOnCall("volumes.create", 1);
    assertThatThrownBy(() -> client.createDatabase(new Dto.CreateDatabase("a", "pg", null, null)))
        .isInstanceOfSatisfying(StagDbApiException.ServerError.class, e -> {
          assertThat(e.status()).isEqualTo(503);
          assertThat(e.problem().errorId()).startsWith("err-");
        });
    f.stag.faults.failOnCall("volumes.create", 1, new IllegalStateException("secret internal detail"));
    assertThatThrownBy(() -> client.createDatabase(new Dto.CreateDatabase("b", "pg", null, null)))
        .isInstanceOfSatisfying(StagDbApiException.ServerError.class, e -> {
          assertThat(e.status()).isEqualTo(500);
          assertThat(e.problem().errorId()).startsWith("err-");
          assertThat(e.problem().detail()).contains(e.problem().errorId()).doesNotContain("secret internal detail");
        });
    assertThat(f.stag.catalog.databases()).isEmpty();
  }

  @Test
  void webhookRoutes() {
    Dto.Webhook created = client.createWebhook(new Dto.CreateWebhook("https://hooks.example.test/stagdb",
        List.of("database.created", "snapshot.created"), null));
    assertThat(created.secret()).hasSizeGreaterThanOrEqualTo(40);
    assertThat(client.webhooks()).singleElement().satisfies(w -> {
      assertThat(w.secret()).isNull();
      assertThat(w.events()).containsExactly("database.created", "snapshot.created");
    });
    client.createDatabase(new Dto.CreateDatabase("hooked", "pg", null, null));
    f.webhooks.dispatchOnce();
    assertThat(client.deliveries(created.id())).singleElement().satisfies(d -> {
      assertThat(d.type()).isEqualTo("database.created");
      assertThat(d.status()).isEqualTo("pending");
      assertThat(d.attempts()).isEqualTo(1);
      assertThat(d.lastError()).isEqualTo("not sent in this test");
    });
    assertThatThrownBy(() -> client.createWebhook(new Dto.CreateWebhook("file:///etc/passwd", List.of("database.created"), null)))
        .isInstanceOfSatisfying(StagDbApiException.BadRequest.class, e -> assertThat(e.problem().field()).isEqualTo("url"));
    client.deleteWebhook(created.id());
    assertThat(client.webhooks()).isEmpty();
    assertThatThrownBy(() -> client.deliveries(created.id())).isInstanceOf(StagDbApiException.NotFound.class);
  }

  @Test
  void theOpenApiDocumentDescribesExactlyTheRoutesServed() throws Exception {
    JsonNode doc = JSON.readTree(client.openApi());
    assertThat(doc.get("openapi").asText()).startsWith("3.");
    java.util.Set<String> documented = new java.util.TreeSet<>();
    doc.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
        .forEachRemaining(m -> documented.add(m.toUpperCase() + " " + p.getKey())));
    java.util.Set<String> served = new java.util.TreeSet<>();
    f.api.routes().forEach(r -> served.add(r.method().name() + " " + r.path()));
    assertThat(documented).isEqualTo(served);
  }

  @Test
  void connectionDetailsNeverPrintTheirPassword() {
    assertThat(new Dto.Connection("h", 1, "u", "hunter2", "d").toString()).doesNotContain("hunter2");
    assertThat(new Dto.ApiKey("k1", "n", "admin", null, null, "stagdb_k1_secret").toString()).doesNotContain("secret");
  }

  // ---- followed logs (Server-Sent Events) ----

  /** Follows {@code name}'s log with the client on another thread; lines land in {@code lines}. */
  private java.util.concurrent.CompletableFuture<String> follow(StagDbClient client, String name, List<String> lines,
      int keepFor) {
    return java.util.concurrent.CompletableFuture.supplyAsync(() -> client.followLogs(name, 10, line -> {
      lines.add(line);
      return lines.size() < keepFor;
    }));
  }

  private static void awaitLine(List<String> lines, String marker) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (lines.stream().noneMatch(l -> l.contains(marker))) {
      assertThat(System.currentTimeMillis()).as("'%s' among %s", marker, lines).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void aFollowedLogStreamsTheTailThenNewLinesAndEndsWhenTheDatabaseStops() throws Exception {
    StagDbClient client = f.client();
    client.createDatabase(new Dto.CreateDatabase("tailed", "postgresql", "15", null));
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    var followed = follow(client, "tailed", lines, Integer.MAX_VALUE);
    awaitLine(lines, "ready to accept connections");

    var id = f.stag.service.get(io.stagdb.domain.model.DatabaseName.of("tailed")).id();
    f.stag.runtime.log(id, "ERROR:  relation \"nope\" does not exist");
    f.stag.runtime.log(id, "STATEMENT:  SELECT * FROM nope");
    awaitLine(lines, "STATEMENT:  SELECT * FROM nope");
    assertThat(lines).containsSubsequence("ERROR:  relation \"nope\" does not exist", "STATEMENT:  SELECT * FROM nope");
    assertThat(followed).isNotDone();

    // on the wire: what curl -N shows
    var request = java.net.http.HttpRequest.newBuilder(f.base().resolve("/v1/databases/tailed/logs?follow=true&tail=1"))
        .header("Authorization", "Bearer " + f.standardKey).header("Accept", "text/event-stream").build();
    var raw = f.http.send(request, HttpResponse.BodyHandlers.ofLines());
    assertThat(raw.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    try (var wire = raw.body()) {
      assertThat(wire.limit(3)).containsExactly("event: log", "data: STATEMENT:  SELECT * FROM nope", "");
    }

    client.stop("tailed");
    assertThat(followed.get(10, java.util.concurrent.TimeUnit.SECONDS)).contains("stopped");
  }

  @Test
  void aClientThatStopsReadingIsLetGoAndTheServerClosingEndsEveryStream() throws Exception {
    StagDbClient client = f.client();
    client.createDatabase(new Dto.CreateDatabase("left", "postgresql", "15", null));
    client.createDatabase(new Dto.CreateDatabase("kept", "postgresql", "15", null));
    var left = f.stag.service.get(io.stagdb.domain.model.DatabaseName.of("left")).id();

    List<String> first = new java.util.concurrent.CopyOnWriteArrayList<>();
    assertThat(follow(client, "left", first, 1).get(10, java.util.concurrent.TimeUnit.SECONDS))
        .isEqualTo("stopped by the caller");
    long deadline = System.currentTimeMillis() + 10_000;
    while (f.stag.runtime.followers(left) > 0) {   // found out on a write to the closed connection
      assertThat(System.currentTimeMillis()).as("the server lets the stream go").isLessThan(deadline);
      f.stag.runtime.log(left, "LOG:  something happened");
      Thread.sleep(50);
    }

    List<String> second = new java.util.concurrent.CopyOnWriteArrayList<>();
    var kept = follow(client, "kept", second, Integer.MAX_VALUE);
    awaitLine(second, "ready");
    f.api.close();
    assertThat(kept.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("the server is shutting down");
  }

  @Test
  void followingNeedsTheEventStreamTypeAnExistingDatabaseAndAFreeSlot() throws Exception {
    f.close();
    f = new ApiFixture(dir, ApiSettings.defaults("db.example.test").withMaxLogStreams(1));
    StagDbClient client = f.client();
    client.createDatabase(new Dto.CreateDatabase("busy", "postgresql", "15", null));

    assertProblem(f.raw("GET", "/v1/databases/busy/logs?follow=true", f.standardKey, null, null), 406, "not-acceptable");
    assertProblem(f.raw("GET", "/v1/databases/busy/logs?follow=maybe", f.standardKey, null, null), 400, "invalid-request");
    assertProblem(f.raw("GET", "/v1/databases/busy/logs?tail=-1", f.standardKey, null, null), 400, "invalid-request");
    assertThatThrownBy(() -> client.followLogs("missing", 10, line -> true))
        .isInstanceOf(StagDbApiException.NotFound.class);

    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    var open = follow(client, "busy", lines, Integer.MAX_VALUE);
    awaitLine(lines, "ready");
    assertThatThrownBy(() -> client.followLogs("busy", 10, line -> true)).isInstanceOfSatisfying(
        StagDbApiException.class, e -> {
          assertThat(e.status()).isEqualTo(503);
          assertThat(e.problem().type()).endsWith("too-many-log-streams");
        });
    client.stop("busy");
    assertThat(open.get(10, java.util.concurrent.TimeUnit.SECONDS)).contains("stopped");
    assertThat(client.followLogs("busy", 10, line -> true)).as("a stopped database: its tail, then the end")
        .contains("not running");
  }

}
