package io.stagdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.testkit.TestHost;
import io.stagdb.domain.testkit.TestHost.Result;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves the test host is real, end to end, with the bare tools and no stagDB code: a dataset on
 * the ZFS test pool, PostgreSQL 15 in a container on it, a row written over JDBC, a snapshot and a
 * clone, a second container on the clone that reads the row back.
 */
class HostSmokeIT {
  private static final String IMAGE = "stagdb-test/postgres:15";
  private static final String PASSWORD = "smoke-test-password";
  private static final List<String> CONTAINERS = new ArrayList<>();

  @BeforeAll
  static void requireHost() {
    TestHost.requireZfsAndDocker();
    TestHost.requireImage(IMAGE);
  }

  @AfterAll
  static void cleanUp() {
    for (String container : CONTAINERS) {
      TestHost.exec(List.of("docker", "rm", "-f", "-v", container));
    }
    if (TestHost.exec(List.of("zfs", "list", TestHost.datasetRoot())).ok()) {
      TestHost.destroyRecursively(TestHost.datasetRoot());
    }
  }

  @Test
  void aCloneOfARunningPostgresDatasetServesTheSameDataInASecondContainer() throws Exception {
    String source = TestHost.datasetRoot() + "/smoke";
    zfs("create", "-p", source);
    String sourceMount = zfs("get", "-H", "-o", "value", "mountpoint", source).strip();

    int sourcePort = runPostgres("smoke-source", sourceMount);
    try (Connection c = connect(sourcePort); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE greeting (id int PRIMARY KEY, text varchar(40))");
      s.execute("INSERT INTO greeting VALUES (1, 'hello from the source')");
      s.execute("CHECKPOINT");
    }

    zfs("snapshot", source + "@s1");
    String clone = TestHost.datasetRoot() + "/smoke-clone";
    zfs("clone", source + "@s1", clone);
    String cloneMount = zfs("get", "-H", "-o", "value", "mountpoint", clone).strip();

    int clonePort = runPostgres("smoke-clone", cloneMount);
    try (Connection c = connect(clonePort); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT text FROM greeting WHERE id = 1")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("hello from the source");
      s.execute("UPDATE greeting SET text = 'changed in the clone'");
    }
    try (Connection c = connect(sourcePort); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT text FROM greeting WHERE id = 1")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("hello from the source");
    }
  }

  private static String zfs(String... args) {
    List<String> command = new ArrayList<>(List.of("zfs"));
    command.addAll(List.of(args));
    Result r = TestHost.exec(command);
    assertThat(r.exitCode()).as("%s: %s", command, r.stderr()).isZero();
    return r.stdout();
  }

  /** Runs PostgreSQL on a data directory with a port published on loopback; returns that port. */
  private static int runPostgres(String role, String dataDir) {
    String name = TestHost.runId() + "-" + role;
    CONTAINERS.add(name);
    Result run = TestHost.exec(List.of("docker", "run", "-d", "--name", name, "--label", TestHost.RUN_LABEL + "=" + TestHost.runId(),
        "-e", "POSTGRES_PASSWORD=" + PASSWORD, "-p", "127.0.0.1::5432", "-v", dataDir + ":/var/lib/postgresql/data", IMAGE));
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    String published = TestHost.exec(List.of("docker", "port", name, "5432/tcp")).stdout().strip().split("\n")[0];
    return Integer.parseInt(published.substring(published.lastIndexOf(':') + 1));
  }

  /** Connects once the server accepts logins (no fixed sleep), within 60 s. */
  private static Connection connect(int port) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      try {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", PASSWORD);
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }
}
