package io.stagdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagdb.domain.testkit.TestHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's quick start the way a new user runs it: {@code ./stagdb serve} on a fresh data
 * directory, then the seed document's curl examples, as written, with the printed URL and key, and
 * the same through the {@code stagdb} command it installed. Only isolation differs from a user's
 * run: a test port, ZFS root, container label and {@code STAGDB_HOME} (so no link in /usr/local/bin).
 */
class QuickStartIT {
  private static final String PURPOSE = "quickstart";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  @BeforeAll
  static void requireHost() {
    TestHost.requireZfsAndDocker();
    TestHost.require(TestHost.exec(List.of("curl", "--version")).ok(), "curl");
  }

  @AfterAll
  static void cleanUp() {
    TestServers.cleanUp(PURPOSE);
  }

  /** Runs curl as a user would; returns the HTTP status and body. */
  private static JsonNode curl(int expectedStatus, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-s", "-w", "\n%{http_code}"));
    command.addAll(List.of(args));
    TestHost.Result r = TestHost.exec(command);
    String out = r.stdout();
    int status = Integer.parseInt(out.substring(out.lastIndexOf('\n') + 1).trim());
    String body = out.substring(0, out.lastIndexOf('\n'));
    assertThat(status).as(String.join(" ", args) + " -> " + body).isEqualTo(expectedStatus);
    return body.isBlank() ? null : JSON.readTree(body);
  }

  /** Runs the installed {@code stagdb} command with {@code STAGDB_URL} and {@code STAGDB_API_KEY}; its exit code. */
  private static int stagdb(Path cli, String url, String key, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(cli.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("STAGDB_URL", url);
    builder.environment().put("STAGDB_API_KEY", key);
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).as("stagdb %s finished", args).isTrue();
    assertThat(output).as("no key in the output").doesNotContain(key.substring(Math.max(0, key.length() - 12)));
    return process.exitValue();
  }

  @Test
  void theQuickStartCommandsWorkForANewUser() throws Exception {
    Map<String, String> settings = TestServers.settings(PURPOSE, TestServers.freePort());
    assertThat(Files.exists(Path.of(settings.get("dataDir")))).as("a fresh data directory").isFalse();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("STAGDB_DATA_DIR", settings.get("dataDir"));
    Path home = Path.of(settings.get("dataDir"), "cli");   // goes with the data directory in cleanUp
    env.put("STAGDB_HOME", home.toString());
    List<String> command = new ArrayList<>(List.of("./stagdb", "serve"));
    settings.forEach((k, v) -> {
      if (!k.equals("dataDir")) {
        command.add("--set");
        command.add(k + "=" + v);
      }
    });
    try (ServerProcess server = ServerProcess.start(command, env, REPO)) {
      String url = server.awaitUrl(Duration.ofMinutes(10));
      String key = server.adminKey();
      assertThat(Path.of(settings.get("dataDir"), "stagdb.yaml")).exists();
      String auth = "Authorization: Bearer " + key;

      // the seed's examples, as written (only the host is this server's)
      JsonNode db = curl(201, "-X", "POST", url + "/v1/databases", "-H", auth, "-d", """
          {
          "name": "my-app-db",
          "type": "postgresql",
          "version": "15",
          "config": {
          "memory": "1g",
          "storage": "10g"
          }
          }""");
      assertThat(db.get("connection").get("username").asText()).isEqualTo("postgres");
      assertThat(db.get("url").asText()).startsWith("postgresql://postgres:");
      curl(201, "-X", "POST", url + "/v1/databases/my-app-db/snapshots", "-H", auth, "-d", "{\"name\": \"before-migration\"}");
      JsonNode branch = curl(201, "-X", "POST", url + "/v1/snapshots/before-migration/branches", "-H", auth,
          "-d", "{\"name\": \"test-migration\"}");
      JsonNode stats = curl(200, url + "/v1/databases/my-app-db/stats", "-H", auth);
      assertThat(stats.get("storage").get("quotaBytes").asLong()).isEqualTo(10L << 30);

      JsonNode c = branch.get("connection");
      try (Connection conn = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + c.get("port").asInt() + "/postgres",
          c.get("username").asText(), c.get("password").asText()); Statement s = conn.createStatement();
           ResultSet rs = s.executeQuery("SELECT 1")) {
        assertThat(rs.next()).isTrue();
      }
      // the installed command, as a user on another host would use it (URL and key from the environment)
      Path cli = home.resolve("bin/stagdb");
      assertThat(home.resolve(".installed-by-stagdb-serve")).exists();
      assertThat(stagdb(cli, url, key, "branch", "create", "cli-branch", "--snapshot", "before-migration")).isZero();
      assertThat(stagdb(cli, url, key, "db", "list", "-o", "json")).isZero();
      assertThat(stagdb(cli, url, key, "db", "get", "no-such-db")).isEqualTo(3);
      assertThat(stagdb(cli, url, "stagdb_kwrong_wrong", "db", "list")).isEqualTo(5);

      JsonNode deleting = curl(202, "-X", "DELETE", url + "/v1/databases/my-app-db?cascade=true", "-H", auth);
      assertThat(deleting.get("status").asText()).isEqualTo("deleting");   // answered at once; gone shortly
      curl(401, url + "/v1/databases");

      assertThat(server.stop()).isIn(0, 143);
      assertThat(server.output()).contains("stopped").doesNotContain(db.get("connection").get("password").asText());
    }
  }
}
