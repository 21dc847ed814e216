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
import java.nio.file.attribute.PosixFileAttributes;
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

  /**
   * A restartable container's control directory (its supervisor's markers and pipe, on this host)
   * is made with it, owned by the engine's uid, and goes with it; one whose container is gone is
   * swept, one whose container is there is kept.
   */
  @Test
  void aRestartableContainersControlDirectoryGoesWithItAndAStrayOneIsSwept() throws Exception {
    ContainerSpec spec = runReadyRestartable();
    Path control = DockerTestHost.settings().controlDir().resolve(spec.id().value());
    assertThat(control).isDirectory();
    assertThat(Files.getAttribute(control, "unix:uid")).isEqualTo(999);
    assertThat(Files.readAttributes(control.resolve("asks"), PosixFileAttributes.class).isOther()).as("a pipe").isTrue();
    Path stray = control.resolveSibling("db-000000000000");
    Files.createDirectories(stray);
    Files.writeString(stray.resolve("halted"), "");

    runtime.sweepControlDirectories();
    assertThat(stray).doesNotExist();
    assertThat(control).isDirectory();

    runtime.remove(spec.id());
    assertThat(control).doesNotExist();
  }

  /**
   * A restartable container on a grouped volume is moved, halted, onto another volume of its group
   * mounted after it was made (mount propagation), and its engine resumes there: the swap a recycle
   * makes instead of a rollback. Real ZFS clones, as the volume store makes them.
   */
  @Test
  void aHaltedEngineIsMovedOntoAnotherVolumeOfItsGroupMountedLater() throws Exception {
    ContainerSpec plain = newSpec();
    String group = plain.id().value();
    Path groupDir = data.resolve(group + ".group");
    String root = TestHost.datasetFor("docker-contract");
    Path first = groupDir.resolve(group + "--1");
    Path second = groupDir.resolve(group + "--2");
    TestHost.zfs("create", "-o", "mountpoint=" + first, root + "/" + group + "--1");
    ContainerSpec spec = new ContainerSpec(plain.id(), plain.name(), plain.engine(), plain.resources(), plain.hostPort(),
        plain.credentials(), plain.env(), first, plain.labels(), true);
    try {
      runtime.run(spec);
      runtime.awaitReady(spec.id(), spec.credentials(), readyTimeout());
      assertThat(runtime.movable(spec.id())).as("mounts propagate here: the host's / is shared").isTrue();
      sql(spec, "CREATE TABLE kept AS SELECT 1 AS answer");
      runtime.halt(spec.id(), true);
      TestHost.zfs("snapshot", root + "/" + group + "--1@point");
      runtime.resume(spec.id());
      runtime.awaitReady(spec.id(), spec.credentials(), readyTimeout());
      sql(spec, "UPDATE kept SET answer = 2");
      // made while the container runs: seen inside only through propagation
      TestHost.zfs("clone", "-o", "mountpoint=" + second, root + "/" + group + "--1@point", root + "/" + group + "--2");

      runtime.halt(spec.id(), false);
      assertThat(runtime.relocate(spec.id(), groupDir.resolve(group + "--9"))).as("no such volume").isFalse();
      assertThat(runtime.relocate(spec.id(), second)).isTrue();
      runtime.resume(spec.id());
      runtime.awaitReady(spec.id(), spec.credentials(), readyTimeout());
      assertThat(sql(spec, "SELECT answer FROM kept")).as("the data of the volume it was moved to").isEqualTo(1);
      assertThat(runtime.list()).filteredOn(c -> c.id().equals(spec.id())).singleElement()
          .satisfies(c -> assertThat(c.dataPath()).isEqualTo(second));

      runtime.halt(spec.id(), false);   // and back
      assertThat(runtime.relocate(spec.id(), first)).isTrue();
      runtime.resume(spec.id());
      runtime.awaitReady(spec.id(), spec.credentials(), readyTimeout());
      assertThat(sql(spec, "SELECT answer FROM kept")).isEqualTo(2);
    } finally {
      runtime.remove(spec.id());
      TestHost.exec(java.util.List.of("zfs", "destroy", "-R", root + "/" + group + "--1"));
    }
  }

  /**
   * A halt asked through the supervisor's pipe that nobody takes (its reader is gone: here the
   * pipe was replaced by a plain file) falls back to a signal, halt after halt.
   */
  @Test
  void aHaltNobodyTakesThroughThePipeFallsBackToASignal() throws Exception {
    ContainerSpec spec = runReadyRestartable();
    Path asks = DockerTestHost.settings().controlDir().resolve(spec.id().value()).resolve("asks");
    Files.delete(asks);
    Files.writeString(asks, "");
    for (int i = 0; i < 2; i++) {
      runtime.halt(spec.id(), false);
      assertThat(runtime.state(spec.id())).isEqualTo(ContainerState.HELD);
      runtime.resume(spec.id());
      runtime.awaitReady(spec.id(), spec.credentials(), readyTimeout());
      assertThat(sql(spec, "SELECT 1")).isEqualTo(1);
    }
  }

  /**
   * A restartable container made before control directories (its supervisor keeps its markers in
   * the engine's data directory and is woken by a signal) still halts, shows as held, resumes and
   * stops: a server upgraded under running branches serves them as before.
   */
  @Test
  void aContainerOfTheEarlierSupervisorHaltsAndResumes() throws Exception {
    ContainerSpec spec = newSpec();
    Path files = Files.createDirectories(spec.dataPath().resolve(DataDirectory.ENGINE_FILES));
    Files.setAttribute(files, "unix:uid", 999);
    Files.setAttribute(files, "unix:gid", 999);
    String name = TestHost.runId() + "-" + spec.name().value();
    TestHost.Result made = TestHost.exec(java.util.List.of("docker", "run", "-d", "--name", name,
        "--label", DockerDatabaseRuntime.MANAGED + "=true", "--label", TestHost.RUN_LABEL + "=" + TestHost.runId(),
        "--label", DockerDatabaseRuntime.ID + "=" + spec.id().value(), "--label", DockerDatabaseRuntime.DATABASE + "="
            + spec.name().value(), "--label", DockerDatabaseRuntime.ENGINE + "=postgresql:15",
        "--label", DockerDatabaseRuntime.RESTARTABLE + "=true", "--user", "999:999",
        "-e", "POSTGRES_PASSWORD=" + spec.credentials().password(), "-p", "127.0.0.1:" + spec.hostPort() + ":5432",
        "--mount", "type=bind,source=" + files + ",target=/var/lib/postgresql/data",
        "stagdb-test/postgres:15", "sh", "-c", EARLIER_SUPERVISOR, "stagdb-supervisor", "INT", "/var/lib/postgresql/data",
        "postgres"));
    assertThat(made.ok()).as(made.stderr()).isTrue();
    try {
      runtime.awaitReady(spec.id(), spec.credentials(), readyTimeout());
      sql(spec, "CREATE TABLE kept AS SELECT 7 AS answer");
      runtime.halt(spec.id(), false);
      assertThat(runtime.state(spec.id())).isEqualTo(ContainerState.HELD);
      assertThat(files.resolve(Supervisor.HALTED)).exists();
      runtime.resume(spec.id());
      runtime.awaitReady(spec.id(), spec.credentials(), readyTimeout());
      assertThat(sql(spec, "SELECT answer FROM kept")).isEqualTo(7);
      assertThat(runtime.state(spec.id())).isEqualTo(ContainerState.RUNNING);
      runtime.stop(spec.id());
      assertThat(runtime.state(spec.id())).isEqualTo(ContainerState.STOPPED);
    } finally {
      runtime.remove(spec.id());
    }
  }

  /** The supervisor of stagDB 0.1's restartable containers, as they run on hosts that ran it. */
  private static final String EARLIER_SUPERVISOR = String.join("\n",
      "sig=$1; dir=$2; shift 2; hold=; stop=; pid=",
      "halted=\"$dir/.stagdb-halted\"; resume=\"$dir/.stagdb-resume\"",
      "trap 'stop=1; [ -n \"$pid\" ] && kill -\"$sig\" \"$pid\"' INT TERM",
      "trap 'hold=1; [ -n \"$pid\" ] && kill -\"$sig\" \"$pid\"' HUP",
      "trap 'hold=1; kill -KILL -1 2>/dev/null' USR1",
      "trap ':' USR2",
      "others() { for s in /proc/[0-9]*/stat; do read -r p c st r < \"$s\" 2>/dev/null || continue;"
          + " [ \"$p\" = 1 ] || [ \"$st\" = Z ] || return 0; done; return 1; }",
      "rm -f \"$resume\"",
      "while :; do",
      "  if [ -z \"$hold\" ]; then",
      "    rm -f \"$halted\" \"$resume\"",
      "    docker-entrypoint.sh \"$@\" & pid=$!",
      "    code=0; wait \"$pid\" || code=$?",
      "    while kill -0 \"$pid\" 2>/dev/null; do code=0; wait \"$pid\" || code=$?; done",
      "    pid=",
      "    if [ -n \"$stop\" ]; then exit 0; fi",
      "    if [ -z \"$hold\" ]; then exit \"$code\"; fi",
      "    while others; do kill -KILL -1 2>/dev/null; sleep 0.001; done",
      "    rm -f \"$resume\"; : > \"$halted\"",
      "  fi",
      "  if [ -n \"$stop\" ]; then exit 0; fi",
      "  if [ -e \"$resume\" ]; then hold=; continue; fi",
      "  sleep 0.2 & nap=$!; wait \"$nap\"; kill \"$nap\" 2>/dev/null; wait \"$nap\" 2>/dev/null",
      "done");

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
