package io.stagdb.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.api.Dto;
import io.stagdb.client.StagDbApiException;
import io.stagdb.client.StagDbClient;
import io.stagdb.domain.testkit.TestHost;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code config.extensions} and {@code config.settings} on a real server with real PostgreSQL and
 * MariaDB: extensions created (a preloaded one loaded), settings in force, both inherited by a
 * branch and shown by GET; a setting or value the engine refuses, and an extension the image lacks,
 * are 400s that name them, with no container or volume left.
 */
class EngineSettingsIT {
  private static final String PURPOSE = "engine-settings";
  private static ServerProcess server;
  private static StagDbClient api;

  @BeforeAll
  static void startServer() throws Exception {
    TestHost.requireZfsAndDocker();
    TestHost.requireImage("stagdb-test/postgres:15");
    TestHost.requireImage("stagdb-test/mariadb:10.11");
    List<String> command = new ArrayList<>(List.of("java", "-jar", ServerProcess.jar().toString(), "serve"));
    command.addAll(TestServers.setArguments(TestServers.settings(PURPOSE, TestServers.freePort())));
    server = ServerProcess.start(command, Map.of(), Path.of("."));
    api = StagDbClient.create(URI.create(server.awaitUrl(Duration.ofMinutes(5))), server.adminKey());
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.stop();
    }
    TestServers.cleanUp(PURPOSE);
  }

  private static Dto.Database create(String name, String type, String version, List<String> extensions,
                                     Map<String, String> settings) {
    return api.createDatabase(new Dto.CreateDatabase(name, type, version,
        new Dto.Config(null, null, "2g", null, null, null, extensions, settings)));
  }

  @Test
  void postgresExtensionsAndSettingsAreInForceInTheDatabaseAndItsBranch() throws Exception {
    Dto.Database db = create("tuned-pg", "postgresql", "15", List.of("pg_trgm", "pg_stat_statements"),
        Map.of("work_mem", "12MB", "log_min_duration_statement", "250"));
    assertThat(db.extensions()).containsExactly("pg_trgm", "pg_stat_statements");
    assertThat(db.settings()).containsEntry("work_mem", "12MB").containsEntry("log_min_duration_statement", "250");
    checkPostgres(db);
    try (Connection c = TestServers.connect(db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE words(w text); INSERT INTO words VALUES ('stagdb'), ('zebra')");
    }
    api.createSnapshot("tuned-pg", "tuned-pg-base");
    Dto.Database branch = api.branchFromSnapshot("tuned-pg-base", new Dto.CreateBranch("tuned-pg-b", null, null));
    assertThat(api.getDatabase("tuned-pg-b").extensions()).containsExactly("pg_trgm", "pg_stat_statements");
    assertThat(api.getDatabase("tuned-pg-b").settings()).containsEntry("work_mem", "12MB");
    checkPostgres(branch);
    assertThat(query(branch, "SELECT count(*) FROM words WHERE w % 'stagdbb'")).as("pg_trgm's similarity works").isEqualTo("1");

    assertThatThrownBy(() -> api.branchFromSnapshot("tuned-pg-base", new Dto.CreateBranch("tuned-pg-c",
        new Dto.Config(null, null, null, null, null, null, null, Map.of("work_mem", "1MB")), null)))
        .isInstanceOfSatisfying(StagDbApiException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("come from its source");
    api.deleteDatabaseAndWait("tuned-pg", true);
  }

  private static void checkPostgres(Dto.Database db) throws SQLException {
    assertThat(query(db, "SHOW work_mem")).isEqualTo("12MB");
    assertThat(query(db, "SHOW log_min_duration_statement")).isEqualTo("250ms");
    assertThat(query(db, "SHOW shared_preload_libraries")).isEqualTo("pg_stat_statements");
    assertThat(query(db, "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension"))
        .contains("pg_stat_statements").contains("pg_trgm");
    assertThat(query(db, "SELECT count(*) >= 0 FROM pg_stat_statements")).as("preloaded, so readable").isEqualTo("t");
  }

  @Test
  void whatTheEngineRefusesIsA400NamingItWithNothingLeft() {
    List<String> containers = TestServers.containers(PURPOSE);
    List<String> volumes = TestServers.volumes(PURPOSE);
    refused(() -> create("bad-param", "postgresql", "15", null, Map.of("no_such_parameter", "1")),
        "config.settings.no_such_parameter", "unrecognized configuration parameter");
    refused(() -> create("bad-value", "postgresql", "15", null, Map.of("work_mem", "lots")),
        "config.settings.work_mem", "work_mem");
    refused(() -> create("bad-ext", "postgresql", "15", List.of("no_such_extension"), null),
        "config.extensions", "not offered by this PostgreSQL image: no_such_extension");
    refused(() -> create("bad-var", "mariadb", "10.11", null, Map.of("no_such_variable", "1")),
        "config.settings.no_such_variable", "unknown variable");
    refused(() -> create("own-port", "postgresql", "15", null, Map.of("port", "5433")),
        "config.settings.port", "set by stagDB");
    assertThat(TestServers.containers(PURPOSE)).as("containers").isEqualTo(containers);
    assertThat(TestServers.volumes(PURPOSE)).as("volumes").isEqualTo(volumes);
    for (String name : List.of("bad-param", "bad-value", "bad-ext", "bad-var", "own-port")) {
      assertThatThrownBy(() -> api.getDatabase(name)).isInstanceOfSatisfying(StagDbApiException.class,
          e -> assertThat(e.status()).isEqualTo(404));
    }
  }

  @Test
  void mariadbServerVariablesAreInForce() throws Exception {
    Dto.Database db = create("tuned-maria", "mariadb", "10.11", null, Map.of("wait_timeout", "1234", "sql-mode", "ANSI_QUOTES"));
    try (Connection jdbc = TestServers.connect(db); Statement s = jdbc.createStatement();
         ResultSet rs = s.executeQuery("SELECT @@GLOBAL.wait_timeout, @@GLOBAL.sql_mode")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(1234);
      assertThat(rs.getString(2)).isEqualTo("ANSI_QUOTES");
    }
    assertThat(api.getDatabase("tuned-maria").settings()).containsEntry("sql_mode", "ANSI_QUOTES");
    api.deleteDatabaseAndWait("tuned-maria", true);
  }

  private static void refused(Runnable call, String field, String detail) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StagDbApiException.class, e -> {
      assertThat(e.status()).as(e.getMessage()).isEqualTo(400);
      assertThat(e.problem().field()).isEqualTo(field);
    }).hasMessageContaining(detail);
  }

  private static String query(Dto.Database db, String sql) throws SQLException {
    try (Connection c = TestServers.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
