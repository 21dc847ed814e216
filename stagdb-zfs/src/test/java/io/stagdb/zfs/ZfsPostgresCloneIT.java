package io.stagdb.zfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.testkit.TestHost;
import io.stagdb.domain.testkit.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A snapshot and clone made through the adapter of a running PostgreSQL's volume serve a second container. */
class ZfsPostgresCloneIT {
  private static final String PARENT = TestHost.datasetFor("pg");
  private static final Path MOUNTS = TestHost.mountDirFor("pg");
  private static final String PASSWORD = "clone-test-password";
  private static ZfsVolumeStore store;

  @BeforeAll
  static void setUp() {
    TestHost.requireZfsAndDocker();
    TestHost.requireImage(TestPostgres.IMAGE);
    TestHost.exec(List.of("zfs", "create", "-o", "mountpoint=none", PARENT));
    store = ZfsVolumeStore.open(PARENT + "/volumes", MOUNTS, ZfsMode.AUTO);
  }

  @AfterAll
  static void tearDown() {
    TestPostgres.remove("zfs-source");
    TestPostgres.remove("zfs-clone");
    TestHost.destroyFor("pg");
  }

  @Test
  void aCloneOfARunningDatabaseIsReadableByASecondContainer() throws Exception {
    Path data = store.create("source", 1L << 30);
    int sourcePort = TestPostgres.run("zfs-source", data.toString(), PASSWORD);
    try (Connection c = TestPostgres.connect(sourcePort, PASSWORD); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE items AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, 10000) g");
      s.execute("CHECKPOINT");
    }
    store.snapshot("source", "s1");
    Path cloned = store.clone("source", "s1", "branch", 1L << 30);

    int clonePort = TestPostgres.run("zfs-clone", cloned.toString(), PASSWORD);
    try (Connection c = TestPostgres.connect(clonePort, PASSWORD); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*), sum(length(payload)) FROM items")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(10000);
      assertThat(rs.getLong(2)).isEqualTo(320000);
    }
    TestPostgres.remove("zfs-clone");
    TestPostgres.remove("zfs-source");
    store.destroy("branch", false);
    store.destroy("source", false);
    assertThat(store.list()).isEmpty();
  }
}
