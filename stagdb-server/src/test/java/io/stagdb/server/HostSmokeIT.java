package io.stagdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.testkit.TestHost;
import io.stagdb.domain.testkit.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves the test host is real, end to end, with the bare tools and no stagDB code: a dataset on
 * the ZFS test pool, PostgreSQL 15 in a container on it, a row written over JDBC, a snapshot and a
 * clone, a second container on the clone that reads the row back.
 */
class HostSmokeIT {
  private static final String ROOT = TestHost.datasetFor("smoke");
  /** Explicit mount points: the pool's own (default) mount point is not this test's to rely on. */
  private static final Path MOUNTS = TestHost.mountDirFor("smoke");
  private static final String PASSWORD = "smoke-test-password";

  @BeforeAll
  static void requireHost() {
    TestHost.requireZfsAndDocker();
    TestHost.requireImage(TestPostgres.IMAGE);
  }

  @AfterAll
  static void cleanUp() {
    TestPostgres.remove("smoke-source");
    TestPostgres.remove("smoke-clone");
    TestHost.destroyFor("smoke");
  }

  @Test
  void aCloneOfARunningPostgresDatasetServesTheSameDataInASecondContainer() throws Exception {
    String source = ROOT + "/smoke";
    TestHost.zfs("create", "-o", "mountpoint=none", ROOT);
    TestHost.zfs("create", "-o", "mountpoint=" + MOUNTS.resolve("smoke"), source);
    String sourceMount = TestHost.zfs("get", "-H", "-o", "value", "mountpoint", source).strip();

    int sourcePort = TestPostgres.run("smoke-source", sourceMount, PASSWORD);
    try (Connection c = TestPostgres.connect(sourcePort, PASSWORD); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE greeting (id int PRIMARY KEY, text varchar(40))");
      s.execute("INSERT INTO greeting VALUES (1, 'hello from the source')");
      s.execute("CHECKPOINT");
    }

    TestHost.zfs("snapshot", source + "@s1");
    String clone = ROOT + "/smoke-clone";
    TestHost.zfs("clone", "-o", "mountpoint=" + MOUNTS.resolve("smoke-clone"), source + "@s1", clone);
    String cloneMount = TestHost.zfs("get", "-H", "-o", "value", "mountpoint", clone).strip();

    int clonePort = TestPostgres.run("smoke-clone", cloneMount, PASSWORD);
    try (Connection c = TestPostgres.connect(clonePort, PASSWORD); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT text FROM greeting WHERE id = 1")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("hello from the source");
      s.execute("UPDATE greeting SET text = 'changed in the clone'");
    }
    try (Connection c = TestPostgres.connect(sourcePort, PASSWORD); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT text FROM greeting WHERE id = 1")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("hello from the source");
    }
  }
}
