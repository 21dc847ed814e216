package io.stagdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagdb.api.Dto;
import io.stagdb.cli.ExitCodes;
import io.stagdb.client.StagDbClient;
import io.stagdb.domain.testkit.TestHost;
import io.stagdb.server.cli.StagDbCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code stagdb} user commands against a real server on the real host: the introduction's
 * workflows through the command instead of curl, the exit status of each kind of failure, and the
 * packaged distribution's {@code bin/stagdb} with a context file, as a user installs it.
 */
class UserCommandsIT {
  private static final String PURPOSE = "cli-user";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path home;

  private static ServerProcess server;
  private static String url;
  private static String key;
  private static Path keyFile;

  @BeforeAll
  static void startServer() throws Exception {
    TestHost.requireZfsAndDocker();
    TestHost.requireImage("stagdb-test/postgres:15");
    Map<String, String> settings = TestServers.settings(PURPOSE, TestServers.freePort());
    List<String> command = new ArrayList<>(List.of("java", "-jar", ServerProcess.jar().toString(), "serve"));
    command.addAll(TestServers.setArguments(settings));
    server = ServerProcess.start(command, Map.of(), Path.of("."));
    url = server.awaitUrl(Duration.ofMinutes(5));
    key = server.adminKey();
    keyFile = Files.writeString(home.resolve("api-key"), key + "\n");
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.stop();
    }
    TestServers.cleanUp(PURPOSE);
  }

  record Run(int code, String out, String err) {
  }

  /** The command in this JVM, as bin/stagdb runs it, against the test server. */
  private static Run stagdb(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (!all.get(0).equals("completion")) {
      all.addAll(List.of("--url", url, "--api-key-file", keyFile.toString()));
    }
    return raw(all.toArray(String[]::new));
  }

  private static Run raw(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = StagDbCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  private static Run ok(String... args) {
    Run r = stagdb(args);
    assertThat(r.code()).as(String.join(" ", args) + "\n" + r.out() + r.err()).isZero();
    return r;
  }

  @Test
  void theIntroductionsWorkflowsWorkThroughTheCommand() throws Exception {
    StagDbClient client = StagDbClient.create(URI.create(url), key);
    Run created = ok("db", "create", "my-app-db", "--type", "postgresql", "--version", "15", "--memory", "512m");
    assertThat(created.out()).contains("my-app-db is running").contains("url:").contains("postgresql://");
    Dto.Database db = client.getDatabase("my-app-db");
    sql(db, "CREATE TABLE users (id int); INSERT INTO users SELECT generate_series(1, 100)");

    // Test migrations safely: snapshot, branch, change the branch, the source is untouched
    assertThat(ok("snapshot", "create", "my-app-db", "before-migration").out()).contains("before-migration");
    Run branched = ok("branch", "create", "test-migration", "--snapshot", "before-migration", "--ttl", "2h");
    assertThat(branched.out()).contains("test-migration is ready").contains("expires:")
        .containsPattern("expires: +in (1h 59m|2h 00m)");
    Dto.Database branch = client.getDatabase("test-migration");
    sql(branch, "DELETE FROM users WHERE id > 10");
    assertThat(count(branch)).isEqualTo(10);
    assertThat(count(db)).isEqualTo(100);

    // --output json is exactly the API's object
    JsonNode json = JSON.readTree(ok("db", "get", "test-migration", "-o", "json").out());
    assertThat(json).isEqualTo(JSON.readTree(JSON.writeValueAsString(client.getDatabase("test-migration"))));
    JsonNode list = JSON.readTree(ok("db", "list", "-o", "json").out());
    assertThat(list.isArray()).isTrue();
    assertThat(list.findValuesAsText("name")).contains("my-app-db", "test-migration");
    JsonNode snapshots = JSON.readTree(ok("snapshot", "list", "my-app-db", "-o", "json").out());
    assertThat(snapshots.get(0).get("name").asText()).isEqualTo("before-migration");
    assertThat(snapshots.get(0).get("branches").get(0).asText()).isEqualTo("test-migration");

    // people get an aligned table
    List<String> table = ok("db", "list").out().lines().toList();
    assertThat(table.get(0)).startsWith("NAME").contains("TYPE").contains("STATUS").contains("PORT");
    assertThat(table).anyMatch(l -> l.startsWith("my-app-db ") && l.contains("postgresql 15") && l.contains("running"));
    assertThat(table).anyMatch(l -> l.startsWith("test-migration ") && l.contains("before-migration"));

    // reset puts the branch back; stats and logs answer
    assertThat(ok("reset", "test-migration").out()).contains("test-migration reset");
    assertThat(count(client.getDatabase("test-migration"))).isEqualTo(100);
    assertThat(ok("stats", "my-app-db").out()).contains("memory:").contains("storage:").contains("written:");
    assertThat(ok("logs", "my-app-db", "--tail", "20").out()).contains("ready to accept connections");

    // CI/CD: a branch per build from the database as it is now, deleted after
    assertThat(ok("branch", "create", "ci-build-42", "--from", "my-app-db").out()).contains("ci-build-42 is ready");
    assertThat(ok("db", "delete", "ci-build-42", "--wait").out()).contains("ci-build-42 deleted; the name is free");
    assertThat(stagdb("db", "get", "ci-build-42").code()).isEqualTo(ExitCodes.NOT_FOUND);

    // each kind of failure has its exit status and a message that says what is wrong
    Run missing = stagdb("db", "get", "nope");
    assertThat(missing.code()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(missing.err()).contains("error: ").contains("nope");
    Run taken = stagdb("db", "create", "my-app-db", "--type", "postgresql", "--version", "15");
    assertThat(taken.code()).isEqualTo(ExitCodes.CONFLICT);
    assertThat(taken.err()).contains("already exists");
    Run bad = stagdb("db", "create", "x-db", "--type", "oracle", "--version", "19");
    assertThat(bad.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(bad.err()).contains("field 'type'");
    Run usage = stagdb("db", "create", "x-db");
    assertThat(usage.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(usage.err()).contains("Missing required option");
    Run wrongKey = raw("db", "list", "--url", url, "--api-key", "stagdb_knotakey_x");
    assertThat(wrongKey.code()).isEqualTo(ExitCodes.UNAUTHORIZED);
    assertThat(wrongKey.err()).contains("hint: give a valid API key");
    Run down = raw("db", "list", "--url", "http://127.0.0.1:" + TestServers.freePort(), "--api-key", key);
    assertThat(down.code()).isEqualTo(ExitCodes.SERVER);
    assertThat(down.err()).contains("cannot reach stagDB at http://127.0.0.1:");
    assertThat(raw("db").code()).as("a group alone is a usage error").isEqualTo(ExitCodes.BAD_INPUT);

    // completion covers the user commands and the server's
    String completion = raw("completion", "bash").out();
    assertThat(completion).contains("complete -F").contains("snapshot").contains("branch").contains("serve");

    assertThat(ok("snapshot", "delete", "before-migration", "--cascade").out()).contains("deleted");
    ok("db", "delete", "my-app-db", "--cascade", "--wait");
    assertThat(client.listDatabases(null, null, null, 10, 0).items()).isEmpty();
  }

  @Test
  void theDistributionsCommandTalksToTheServerOfItsCurrentContext() throws Exception {
    Path stagdb = distribution().resolve("bin/stagdb");
    assertThat(Files.isExecutable(stagdb)).as(stagdb + " is executable").isTrue();
    Path config = Files.createDirectories(home.resolve("xdg"));
    Process add = command(config, stagdb.toString(), "context", "add", "test", "--url", url, "--api-key-stdin", "--use");
    add.getOutputStream().write((key + "\n").getBytes(StandardCharsets.UTF_8));
    add.getOutputStream().close();
    assertThat(finish(add)).contains("context test saved").contains("(current)");
    assertThat(Files.readString(config.resolve("stagdb/contexts.yaml"))).contains("current: test").contains(url);

    String contexts = finish(command(config, stagdb.toString(), "context", "list"));
    assertThat(contexts).contains("*").contains("test").contains(url).contains("set").doesNotContain(key);
    JsonNode list = JSON.readTree(finish(command(config, stagdb.toString(), "db", "list", "-o", "json")));
    assertThat(list.isArray()).isTrue();
    assertThat(finish(command(config, stagdb.toString(), "--version"))).startsWith("stagDB ");
  }

  /** The unpacked distribution of this build (the assembly's directory form). */
  static Path distribution() throws IOException {
    try (var found = Files.find(Path.of("target"), 5, (p, a) -> p.endsWith("bin/stagdb"))) {
      return found.findFirst().orElseThrow(() -> new AssertionError("no bin/stagdb under target/ (mvn package)"))
          .getParent().getParent().toAbsolutePath();
    }
  }

  private static Process command(Path xdg, String... command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("STAGDB_"));
    builder.environment().put("XDG_CONFIG_HOME", xdg.toString());
    return builder.start();
  }

  private static String finish(Process process) throws Exception {
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  private static void sql(Dto.Database db, String statements) throws Exception {
    try (Connection c = connect(db); Statement s = c.createStatement()) {
      s.execute(statements);
    }
  }

  private static long count(Dto.Database db) throws Exception {
    try (Connection c = connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM users")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Connection connect(Dto.Database db) throws Exception {
    Dto.Connection c = db.connection();
    return DriverManager.getConnection("jdbc:postgresql://" + c.host() + ":" + c.port() + "/" + c.database(), c.username(),
        c.password());
  }
}
