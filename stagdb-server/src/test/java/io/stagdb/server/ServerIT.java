package io.stagdb.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagdb.domain.access.ApiKey;
import io.stagdb.domain.testkit.TestHost;
import io.stagdb.domain.webhook.WebhookSignature;
import io.stagdb.api.Dto;
import io.stagdb.client.StagDbApiException;
import io.stagdb.client.StagDbClient;
import io.stagdb.server.config.ConfigLoader;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server on the real host (SQLite, ZFS, Docker, PostgreSQL), running each workflow of the seed
 * document through the API and checking the databases over JDBC; and webhooks against a real
 * local receiver.
 */
class ServerIT {
  private static final String PURPOSE = "server";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Map<String, String> settings;
  private static StagDbServer server;
  private static StagDbClient client;

  @BeforeAll
  static void startServer() {
    TestHost.requireZfsAndDocker();
    TestHost.requireImage("stagdb-test/postgres:15");
    settings = TestServers.settings(PURPOSE, TestServers.freePort());
    startAgain();
  }

  private static void startAgain() {
    server = StagDbServer.start(ConfigLoader.load(null, Map.of(), settings), "test");
    String key = server.engine().apiKeys().issue("server-it", ApiKey.Scope.ADMIN).token();
    client = StagDbClient.create(URI.create("http://127.0.0.1:" + server.port()), key);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      try {
        for (Dto.Database db : client.listDatabases(null, null, null, 1000, 0).items()) {
          if (db.origin() == null) {
            client.deleteDatabaseAndWait(db.name(), true);
          }
        }
        assertThat(client.listDatabases(null, null, null, 1000, 0).total()).isZero();
        assertThat(TestServers.volumes(PURPOSE)).as("volumes left after deleting everything").isEmpty();
        assertThat(TestServers.containers(PURPOSE)).as("containers left after deleting everything").isEmpty();
      } finally {
        server.close();
        TestServers.cleanUp(PURPOSE);
      }
    }
  }

  private static Connection connect(Dto.Database db) throws SQLException {
    Dto.Connection c = db.connection();
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + c.port() + "/" + c.database(), c.username(), c.password());
  }

  private static List<String> names(Dto.Database db) throws SQLException {
    try (Connection c = connect(db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT name FROM users ORDER BY name")) {
      List<String> names = new java.util.ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString(1));
      }
      return names;
    }
  }

  private static void execute(Dto.Database db, String sql) throws SQLException {
    try (Connection c = connect(db); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static Dto.Database createWithUsers(String name) {
    return client.createDatabase(new Dto.CreateDatabase(name, "postgresql", "15", new Dto.Config(null, null, "2g", null,
        null, List.of("CREATE TABLE users (name text PRIMARY KEY)", "INSERT INTO users VALUES ('ada'), ('grace')"))));
  }

  @Test
  void teamBranchForAFeature() throws Exception {
    Dto.Database main = createWithUsers("main-db");
    Dto.Database feature = client.branchFromDatabase("main-db", new Dto.CreateBranch("feature-user-auth", null, null));
    execute(feature, "INSERT INTO users VALUES ('linus')");
    assertThat(names(feature)).containsExactly("ada", "grace", "linus");
    assertThat(names(main)).containsExactly("ada", "grace");
    client.deleteDatabaseAndWait("feature-user-auth", false);
    assertThat(client.snapshots("main-db")).as("the automatic snapshot goes with its branch").isEmpty();
  }

  @Test
  void migrationTestedOnABranchOfASnapshot() throws Exception {
    Dto.Database prod = createWithUsers("prod-db");
    client.createSnapshot("prod-db", "pre-migration-v2.0");
    Dto.Database test = client.branchFromSnapshot("pre-migration-v2.0", new Dto.CreateBranch("migration-test", null, null));
    execute(test, "ALTER TABLE users ADD COLUMN email text");
    execute(test, "UPDATE users SET email = name || '@example.test'");
    try (Connection c = connect(prod); Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeQuery("SELECT email FROM users")).isInstanceOf(SQLException.class);
    }
    assertThat(test.connection().password()).isNotEqualTo(prod.connection().password());
    client.deleteDatabaseAndWait("migration-test", false);
  }

  @Test
  void qaBaselinesAndResetBetweenRuns() throws Exception {
    createWithUsers("qa-src");
    client.createSnapshot("qa-src", "qa-baseline");
    for (String env : List.of("qa1", "qa2", "qa3")) {
      client.branchFromSnapshot("qa-baseline", new Dto.CreateBranch(env, null, null));
    }
    Dto.Database qa1 = client.getDatabase("qa1");
    execute(qa1, "DELETE FROM users");
    assertThat(names(qa1)).isEmpty();
    assertThat(names(client.getDatabase("qa2"))).containsExactly("ada", "grace");

    Dto.Database reset = client.reset("qa1", null);
    assertThat(reset.connection()).isEqualTo(qa1.connection());
    assertThat(names(reset)).containsExactly("ada", "grace");
    assertThat(client.getSnapshot("qa-baseline").branches()).containsExactlyInAnyOrder("qa1", "qa2", "qa3");
    client.deleteSnapshot("qa-baseline", true);
    assertThat(client.listDatabases(null, null, "qa-baseline", 10, 0).total()).isZero();
  }

  @Test
  void ciPipelineBranchPerBuild() throws Exception {
    createWithUsers("baseline");
    for (int build = 41; build <= 42; build++) {
      Dto.Database ci = client.branchFromDatabase("baseline", new Dto.CreateBranch("ci-build-" + build, null, "1h"));
      assertThat(ci.expiresAt()).isNotNull();
      execute(ci, "INSERT INTO users VALUES ('build-" + build + "')");
      assertThat(names(ci)).hasSize(3);
      assertThat(client.deleteDatabase("ci-build-" + build, false).status()).isEqualTo("deleting");   // gone shortly
    }
    assertThat(names(client.getDatabase("baseline"))).containsExactly("ada", "grace");
    Dto.Stats stats = client.stats("baseline");
    assertThat(stats.engine().connections()).isPositive();
    assertThat(stats.storage().quotaBytes()).isEqualTo(2L << 30);
    assertThat(client.logs("baseline", 20)).contains("ready to accept connections");
  }

  @Test
  void aFollowedLogShowsTheEnginesNewLinesAsTheyAreWrittenAndEndsWhenTheDatabaseStops() throws Exception {
    Dto.Database db = createWithUsers("followed");
    List<String> lines = new CopyOnWriteArrayList<>();
    java.util.concurrent.CompletableFuture<String> followed = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> client.followLogs("followed", 5, line -> lines.add(line)));
    await(() -> lines.stream().anyMatch(l -> l.contains("ready to accept connections")));
    assertThatThrownBy(() -> execute(db, "SELECT * FROM no_such_table_7f3a")).isInstanceOf(SQLException.class);
    await(() -> lines.stream().anyMatch(l -> l.contains("no_such_table_7f3a")));
    assertThat(followed).isNotDone();
    client.stop("followed");
    assertThat(followed.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("the container stopped");
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("database system is shut down"));
  }

  @Test
  void webhooksAreSignedRetriedAndSurviveARestart() throws Exception {
    String secret = "webhook-secret-0123456789";
    try (WebhookReceiver receiver = WebhookReceiver.start("hooks", 1)) {   // the first delivery fails
      Dto.Webhook hook = client.createWebhook(new Dto.CreateWebhook(receiver.url("/hook"),
          List.of("database.created", "snapshot.created"), secret));
      try {
        client.createDatabase(new Dto.CreateDatabase("hooked", "postgresql", "15", null));
        await(() -> events(receiver).stream().anyMatch(e -> e.get("type").asText().equals("database.created")));
        JsonNode created = events(receiver).stream().filter(e -> e.get("type").asText().equals("database.created"))
            .findFirst().orElseThrow();
        assertThat(created.get("data").get("name").asText()).isEqualTo("hooked");
        assertThat(created.get("id").asText()).startsWith("evt-");
        assertThat(created.get("occurredAt").asText()).isNotBlank();
        // the receiver has it; stagDB records the delivery once the 200 has reached it
        await(() -> client.deliveries(hook.id()).stream().anyMatch(d -> d.status().equals("delivered")));
        assertThat(client.deliveries(hook.id())).singleElement().satisfies(d -> {
          assertThat(d.status()).isEqualTo("delivered");
          assertThat(d.attempts()).isEqualTo(2);
        });

        receiver.stop();   // the receiver goes away, then stagDB restarts: the event must still arrive
        client.createSnapshot("hooked", "hooked-snap");
        server.close();
        receiver.listen(0);
        startAgain();
        await(() -> events(receiver).stream().anyMatch(e -> e.get("type").asText().equals("snapshot.created")));
        assertThat(receiver.received()).allSatisfy(r -> assertThat(r.signature()).isNotNull()
            .satisfies(sig -> assertThat(WebhookSignature.verify(secret, sig, r.body())).as("signature").isTrue()));
      } finally {
        client.deleteWebhook(hook.id());
      }
    }
  }

  @Test
  void webhooksCannotBeAimedAtTheHostItselfWhateverTheName() {
    for (String url : List.of("http://127.0.0.1:" + server.port() + "/v1/api-keys", "http://169.254.169.254/latest/meta-data/",
        "http://localhost:8080/", "http://[::1]:8080/", "http://0.0.0.0/")) {
      assertThatThrownBy(() -> client.createWebhook(new Dto.CreateWebhook(url, List.of("database.created"), null)))
          .as(url).isInstanceOfSatisfying(StagDbApiException.BadRequest.class, e -> {
            assertThat(e.problem().field()).isEqualTo("url");
            assertThat(e.problem().detail()).contains("webhooks cannot go to");
          });
    }
    assertThat(client.webhooks()).isEmpty();
  }

  private static List<JsonNode> events(WebhookReceiver receiver) {
    List<JsonNode> events = new java.util.ArrayList<>();
    for (WebhookReceiver.Received r : receiver.received()) {
      try {
        events.add(JSON.readTree(r.body()));
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return events;
  }

  @Test
  void wrongRequestsAreRefusedWithoutSideEffects() {
    assertThatThrownBy(() -> client.createDatabase(new Dto.CreateDatabase("too-big", "postgresql", "15",
        new Dto.Config("64g", null, null, null, null, null)))).isInstanceOf(StagDbApiException.BadRequest.class);
    assertThatThrownBy(() -> client.branchFromSnapshot("nope", new Dto.CreateBranch("x", null, null)))
        .isInstanceOf(StagDbApiException.NotFound.class);
    assertThat(TestServers.volumes(PURPOSE)).noneMatch(v -> v.contains("too-big"));
  }

  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("condition not met within 30 s");
      }
      Thread.sleep(100);
    }
  }
}
