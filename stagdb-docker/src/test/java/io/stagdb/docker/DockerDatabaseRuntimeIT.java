package io.stagdb.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.port.out.ContainerSpec;
import io.stagdb.domain.port.out.ContainerState;
import io.stagdb.domain.port.out.DatabaseRuntime;
import io.stagdb.domain.testkit.DatabaseRuntimeContract;
import io.stagdb.domain.testkit.TestHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The runtime contract on the real Docker engine with PostgreSQL 15 (local image). */
class DockerDatabaseRuntimeIT extends DatabaseRuntimeContract {
  private static DockerDatabaseRuntime runtime;
  private static Path data;

  @BeforeAll
  static void connect() {
    TestHost.requireZfsAndDocker();
    TestHost.requireImage("stagdb-test/postgres:15");
    runtime = DockerDatabaseRuntime.connect(DockerTestHost.settings());
    data = DockerTestHost.dataset("docker-contract");
  }

  @AfterAll
  static void cleanUp() {
    if (runtime != null) {
      runtime.close();
    }
    TestHost.removeRunNetworks();
    TestHost.destroyFor("docker-contract");
  }

  @Override
  protected DatabaseRuntime runtime() {
    return runtime;
  }

  @Override
  protected void makeTheEngineLog(ContainerSpec spec, String marker) {
    assertThatThrownBy(() -> sql(spec, "SELECT * FROM " + marker))
        .isInstanceOf(SQLException.class).hasMessageContaining(marker);   // PostgreSQL logs the ERROR
  }

  @Override
  protected ContainerSpec newSpec() {
    return DockerTestHost.spec(data, "postgresql", "15", "contract-password");
  }

  /**
   * A volume left unmounted (host reboot, restarted zfs-fuse) must never look like an empty one:
   * the engine's files live one level down, so Docker refuses the start instead of PostgreSQL
   * initialising a new, empty cluster on the bare mount point.
   */
  @Test
  void refusesToStartOnAnUnmountedVolumeAndServesTheDataOnceItIsMountedAgain() throws SQLException {
    ContainerSpec spec = newSpec();
    String dataset = TestHost.datasetFor("docker-contract") + "/" + spec.id().value();
    TestHost.zfs("create", "-o", "mountpoint=" + spec.dataPath(), dataset);
    try {
      runtime.run(spec);
      runtime.awaitReady(spec.id(), spec.credentials(), readyTimeout());
      sql(spec, "CREATE TABLE kept AS SELECT 42 AS answer");
      runtime.stop(spec.id());
      TestHost.zfs("unmount", dataset);

      assertThatThrownBy(() -> runtime.start(spec.id())).isInstanceOf(InfrastructureException.class);
      assertThat(runtime.state(spec.id())).isNotEqualTo(ContainerState.RUNNING);
      assertThat(Files.exists(spec.dataPath().resolve(DataDirectory.ENGINE_FILES)))
          .as("nothing initialised on the bare mount point").isFalse();

      TestHost.zfs("mount", dataset);
      runtime.start(spec.id());
      runtime.awaitReady(spec.id(), spec.credentials(), readyTimeout());
      assertThat(sql(spec, "SELECT answer FROM kept")).isEqualTo(42);
    } finally {
      runtime.remove(spec.id());
      TestHost.destroyRecursively(dataset);
    }
  }

  /** An engine that keeps exiting while Docker keeps restarting it fails the wait at once, with its log. */
  @Test
  void aCrashLoopFailsTheWaitForReadinessAtOnceWithTheEnginesLog() {
    ContainerSpec good = newSpec();
    ContainerSpec spec = new ContainerSpec(good.id(), good.name(), good.engine(), good.resources(), good.hostPort(),
        good.credentials(), java.util.Map.of("POSTGRES_INITDB_ARGS", "--no-such-initdb-option"), good.dataPath(), good.labels());
    runtime.run(spec);
    try {
      long started = System.nanoTime();
      assertThatThrownBy(() -> runtime.awaitReady(spec.id(), spec.credentials(), java.time.Duration.ofSeconds(120)))
          .isInstanceOf(InfrastructureException.class)
          .hasMessageContaining("exited with code")
          .hasMessageContaining("no-such-initdb-option");
      assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).as("long before the timeout")
          .isLessThan(java.time.Duration.ofSeconds(60));
    } finally {
      runtime.remove(spec.id());
    }
  }

  private static int sql(ContainerSpec spec, String statement) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + spec.hostPort() + "/postgres",
        spec.credentials().username(), spec.credentials().password()); Statement s = c.createStatement()) {
      if (!s.execute(statement)) {
        return -1;
      }
      try (ResultSet rs = s.getResultSet()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
