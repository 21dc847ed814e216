package io.stagdb.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.model.Engine;
import io.stagdb.domain.port.out.ContainerSpec;
import io.stagdb.domain.port.out.ContainerState;
import io.stagdb.domain.port.out.DatabaseRuntime;
import io.stagdb.domain.testkit.TestHost;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each PostgreSQL version 12-16 and MariaDB 10.11 on real ZFS volumes: the right server version,
 * data surviving stop/start, limits applied, quiesce → ZFS snapshot → clone → second container,
 * the branch's password rotated, init scripts, a missing image, a killed container.
 */
class EnginesIT {
  private static final Duration READY = Duration.ofSeconds(90);
  private static final String PURPOSE = "engines";
  private static DockerDatabaseRuntime runtime;
  private static Path root;
  private final List<ContainerSpec> started = new ArrayList<>();

  @BeforeAll
  static void connect() {
    TestHost.requireZfsAndDocker();
    DockerTestHost.LOCAL_IMAGES.values().forEach(TestHost::requireImage);
    runtime = DockerDatabaseRuntime.connect(DockerTestHost.settings());
    root = DockerTestHost.dataset(PURPOSE);
  }

  @AfterEach
  void removeContainers() {
    for (ContainerSpec spec : started) {
      if (runtime.state(spec.id()) != ContainerState.MISSING) {
        runtime.remove(spec.id());
      }
    }
  }

  @AfterAll
  static void cleanUp() {
    if (runtime != null) {
      runtime.close();
    }
    TestHost.removeRunNetworks();
    TestHost.destroyFor(PURPOSE);
  }

  /** A fresh ZFS filesystem for one database; returns a spec on it. */
  private ContainerSpec onNewVolume(String engine, String version, String name) {
    String dataset = TestHost.datasetFor(PURPOSE) + "/" + name;
    assertThat(TestHost.exec(List.of("zfs", "create", dataset)).ok()).isTrue();
    ContainerSpec template = DockerTestHost.spec(root, engine, version, "first-password");
    ContainerSpec spec = withData(template, root.resolve(name));
    started.add(spec);
    return spec;
  }

  private static ContainerSpec withData(ContainerSpec s, Path data) {
    return new ContainerSpec(s.id(), s.name(), s.engine(), s.resources(), s.hostPort(), s.credentials(), s.env(), data, s.labels());
  }

  private static Connection jdbc(ContainerSpec spec, Credentials credentials) throws SQLException {
    String url = spec.engine().engine() == Engine.POSTGRESQL
        ? "jdbc:postgresql://127.0.0.1:" + spec.hostPort() + "/" + credentials.database()
        : "jdbc:mariadb://127.0.0.1:" + spec.hostPort() + "/" + credentials.database();
    return DriverManager.getConnection(url, credentials.username(), credentials.password());
  }

  private static String query(ContainerSpec spec, Credentials credentials, String sql) throws SQLException {
    try (Connection c = jdbc(spec, credentials); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  private static void update(ContainerSpec spec, Credentials credentials, String sql) throws SQLException {
    try (Connection c = jdbc(spec, credentials); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"postgresql,12", "postgresql,13", "postgresql,14", "postgresql,15", "postgresql,16", "mariadb,10.11"})
  void runsSnapshotsAndBranchesEachVersion(String engine, String version) throws Exception {
    String tag = engine.substring(0, 2) + version.replace(".", "");
    ContainerSpec source = onNewVolume(engine, version, tag + "-src");
    runtime.run(source);
    runtime.awaitReady(source.id(), source.credentials(), READY);

    String reported = engine.equals("postgresql")
        ? query(source, source.credentials(), "SELECT current_setting('server_version_num')::int / 10000")
        : query(source, source.credentials(), "SELECT VERSION()");
    assertThat(reported).startsWith(version);

    runtime.runScripts(source.id(), source.credentials(),
        List.of("CREATE TABLE items (id int PRIMARY KEY, label varchar(40))", "INSERT INTO items VALUES (1, 'original')"));

    runtime.stop(source.id());
    assertThat(runtime.state(source.id())).isEqualTo(ContainerState.STOPPED);
    runtime.start(source.id());
    runtime.awaitReady(source.id(), source.credentials(), READY);
    assertThat(query(source, source.credentials(), "SELECT label FROM items WHERE id = 1")).isEqualTo("original");
    assertThat(runtime.engineStats(source.id(), source.credentials()).sizeBytes()).isPositive();
    assertThat(runtime.engineStats(source.id(), source.credentials()).connections()).isPositive();

    String limits = TestHost.exec(List.of("docker", "inspect", "-f", "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}",
        TestHost.runId() + "-" + source.name())).stdout().strip();
    assertThat(limits).isEqualTo(source.resources().memoryBytes() + " " + source.resources().milliCpus() * 1_000_000L);

    String sourceDataset = TestHost.datasetFor(PURPOSE) + "/" + tag + "-src";
    try (DatabaseRuntime.Quiesced quiesced = runtime.quiesce(source.id(), source.credentials())) {
      assertThat(TestHost.exec(List.of("zfs", "snapshot", sourceDataset + "@s1")).ok()).isTrue();
    }
    update(source, source.credentials(), "UPDATE items SET label = 'after the snapshot'");
    assertThat(TestHost.exec(List.of("zfs", "clone", sourceDataset + "@s1", TestHost.datasetFor(PURPOSE) + "/" + tag + "-br")).ok()).isTrue();

    ContainerSpec template = DockerTestHost.spec(root, engine, version, "ignored-by-a-clone");
    ContainerSpec branch = withData(template, root.resolve(tag + "-br"));
    started.add(branch);
    runtime.run(branch);
    runtime.awaitReady(branch.id(), source.credentials(), READY);   // the clone still has the source's password
    runtime.rotatePassword(branch.id(), source.credentials(), "branch-password");
    Credentials branchCredentials = source.credentials().withPassword("branch-password");

    assertThat(query(branch, branchCredentials, "SELECT label FROM items WHERE id = 1")).isEqualTo("original");
    assertThatThrownBy(() -> runtime.awaitReady(branch.id(), source.credentials(), Duration.ofSeconds(5)))
        .isInstanceOf(InfrastructureException.class).hasMessageContaining("refused");
    assertThat(query(source, source.credentials(), "SELECT label FROM items WHERE id = 1")).isEqualTo("after the snapshot");
    dumpsWithTheImagesOwnTools(source, engine, version);
  }

  /**
   * A recycle in place, as the server does it, on the oldest and newest PostgreSQL and on MariaDB:
   * the engine halted cleanly for a recycle point, then a test's change thrown away by halting at
   * once, rolling the volume back and resuming the engine in the same container (its command run
   * directly, no entry point) on the same port.
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"postgresql,12", "postgresql,16", "mariadb,10.11"})
  void eachEngineIsPutBackInPlaceInItsRunningContainer(String engine, String version) throws Exception {
    String tag = engine.substring(0, 2) + version.replace(".", "") + "-rc";
    ContainerSpec plain = onNewVolume(engine, version, tag);
    ContainerSpec spec = new ContainerSpec(plain.id(), plain.name(), plain.engine(), plain.resources(), plain.hostPort(),
        plain.credentials(), plain.env(), plain.dataPath(), plain.labels(), true);
    runtime.run(spec);
    runtime.awaitReady(spec.id(), spec.credentials(), READY);
    runtime.runScripts(spec.id(), spec.credentials(), List.of("CREATE TABLE items (id int PRIMARY KEY)",
        "INSERT INTO items VALUES (1)"));
    String dataset = TestHost.datasetFor(PURPOSE) + "/" + tag;
    runtime.halt(spec.id(), true);
    assertThat(TestHost.exec(List.of("zfs", "snapshot", dataset + "@recycle-point")).ok()).isTrue();
    String container = TestHost.exec(List.of("docker", "inspect", "-f", "{{.Id}}", TestHost.runId() + "-" + spec.name()))
        .stdout().strip();
    for (int round = 0; round < 2; round++) {
      runtime.resume(spec.id());
      runtime.awaitReady(spec.id(), spec.credentials(), READY);
      assertThat(query(spec, spec.credentials(), "SELECT count(*) FROM items")).isEqualTo("1");
      update(spec, spec.credentials(), "INSERT INTO items VALUES (2)");
      runtime.halt(spec.id(), false);
      assertThat(runtime.state(spec.id())).isEqualTo(ContainerState.HELD);
      assertThat(TestHost.exec(List.of("zfs", "rollback", "-r", dataset + "@recycle-point")).ok()).isTrue();
    }
    runtime.resume(spec.id());
    runtime.awaitReady(spec.id(), spec.credentials(), READY);
    assertThat(query(spec, spec.credentials(), "SELECT count(*) FROM items")).isEqualTo("1");
    assertThat(TestHost.exec(List.of("docker", "inspect", "-f", "{{.Id}}", TestHost.runId() + "-" + spec.name()))
        .stdout().strip()).as("the same container").isEqualTo(container);
  }

  /**
   * A recycle by swap, as the server does it where mounts propagate, on the same engines: the
   * volume is one of a group, and each round a fresh clone of the recycle point is mounted beside it
   * while the engine runs, the engine halted at once, pointed at the clone and resumed there, in the
   * same container on the same port.
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"postgresql,12", "postgresql,16", "mariadb,10.11"})
  void eachEngineIsMovedOntoAFreshCloneInItsRunningContainer(String engine, String version) throws Exception {
    String tag = engine.substring(0, 2) + version.replace(".", "") + "-sw";
    String dataset = TestHost.datasetFor(PURPOSE) + "/" + tag;
    Path group = root.resolve(tag + ".group");
    assertThat(TestHost.exec(List.of("zfs", "create", "-o", "mountpoint=" + group.resolve(tag + "--1"), dataset + "--1"))
        .ok()).isTrue();
    ContainerSpec t = DockerTestHost.spec(root, engine, version, "first-password");
    ContainerSpec spec = new ContainerSpec(t.id(), t.name(), t.engine(), t.resources(), t.hostPort(), t.credentials(), t.env(),
        group.resolve(tag + "--1"), t.labels(), true);
    started.add(spec);
    runtime.run(spec);
    runtime.awaitReady(spec.id(), spec.credentials(), READY);
    assertThat(runtime.movable(spec.id())).isTrue();
    runtime.runScripts(spec.id(), spec.credentials(), List.of("CREATE TABLE items (id int PRIMARY KEY)",
        "INSERT INTO items VALUES (1)"));
    runtime.halt(spec.id(), true);
    assertThat(TestHost.exec(List.of("zfs", "snapshot", dataset + "--1@recycle-point")).ok()).isTrue();
    runtime.resume(spec.id());
    runtime.awaitReady(spec.id(), spec.credentials(), READY);
    String container = TestHost.exec(List.of("docker", "inspect", "-f", "{{.Id}}", TestHost.runId() + "-" + spec.name()))
        .stdout().strip();
    for (int n = 2; n <= 3; n++) {
      update(spec, spec.credentials(), "INSERT INTO items VALUES (2)");
      Path fresh = group.resolve(tag + "--" + n);
      assertThat(TestHost.exec(List.of("zfs", "clone", "-o", "mountpoint=" + fresh, dataset + "--1@recycle-point",
          dataset + "--" + n)).ok()).isTrue();
      runtime.halt(spec.id(), false);
      assertThat(runtime.relocate(spec.id(), fresh)).isTrue();
      runtime.resume(spec.id());
      runtime.awaitReady(spec.id(), spec.credentials(), READY);
      assertThat(query(spec, spec.credentials(), "SELECT count(*) FROM items")).isEqualTo("1");
    }
    assertThat(TestHost.exec(List.of("docker", "inspect", "-f", "{{.Id}}", TestHost.runId() + "-" + spec.name()))
        .stdout().strip()).as("the same container").isEqualTo(container);
  }

  /**
   * The image carries the client tools a logical copy runs in a container of it: they dump the
   * engine. The local PostgreSQL images have Debian bookworm's one client (15), which dumps 12-15
   * and, as pg_dump does for a newer server, refuses 16.
   */
  private static void dumpsWithTheImagesOwnTools(ContainerSpec source, String engine, String version) {
    String container = TestHost.runId() + "-" + source.name();
    Credentials c = source.credentials();
    List<String> dump = engine.equals("postgresql")
        ? List.of("docker", "exec", "-e", "PGPASSWORD=" + c.password(), container, "pg_dump", "-h", "127.0.0.1",
            "-U", c.username(), "--data-only", "-t", "items", c.database())
        : List.of("docker", "exec", "-e", "MYSQL_PWD=" + c.password(), container, "mariadb-dump", "-h", "127.0.0.1",
            "-u", c.username(), c.database(), "items");
    TestHost.Result result = TestHost.exec(dump);
    if (version.equals("16")) {
      assertThat(result.ok()).isFalse();
      assertThat(result.stderr()).contains("server version mismatch");
    } else {
      assertThat(result.ok()).as(result.stderr()).isTrue();
      assertThat(result.stdout()).contains("after the snapshot");
    }
  }

  @Test
  void aMissingImageIsAClearError() {
    DockerSettings missing = new DockerSettings(null, "127.0.0.1", Map.of("postgresql.14", "stagdb-test/no-such-image:1"),
        TestHost.runId() + "-", Map.of(TestHost.RUN_LABEL, TestHost.runId()), false, false, null, TestHost.mountDirFor("control"));
    try (DockerDatabaseRuntime bad = DockerDatabaseRuntime.connect(missing)) {
      ContainerSpec spec = DockerTestHost.spec(root, "postgresql", "14", "pw");
      assertThatThrownBy(() -> bad.run(spec)).isInstanceOf(InfrastructureException.class)
          .hasMessageContaining("stagdb-test/no-such-image:1").hasMessageContaining("images.postgresql.14");
      assertThat(bad.state(spec.id())).isEqualTo(ContainerState.MISSING);
    }
  }

  @Test
  void aKilledContainerIsReportedCrashedWithItsExitCode() {
    ContainerSpec spec = onNewVolume("postgresql", "15", "killed");
    runtime.run(spec);
    runtime.awaitReady(spec.id(), spec.credentials(), READY);
    assertThat(TestHost.exec(List.of("docker", "kill", TestHost.runId() + "-" + spec.name())).ok()).isTrue();
    assertThat(runtime.state(spec.id())).isEqualTo(ContainerState.CRASHED);
    assertThat(runtime.list()).anySatisfy(c -> {
      assertThat(c.id()).isEqualTo(spec.id());
      assertThat(c.state()).isEqualTo(ContainerState.CRASHED);
      assertThat(c.exitCode()).isEqualTo(137);
    });
    assertThatThrownBy(() -> runtime.awaitReady(spec.id(), spec.credentials(), Duration.ofSeconds(5)))
        .hasMessageContaining("exited with code 137");
  }

  @Test
  void databasesCannotReachEachOther() {
    ContainerSpec a = onNewVolume("postgresql", "15", "isolated-a");
    ContainerSpec b = onNewVolume("postgresql", "15", "isolated-b");
    runtime.run(a);
    runtime.run(b);
    runtime.awaitReady(a.id(), a.credentials(), READY);
    runtime.awaitReady(b.id(), b.credentials(), READY);
    String containerA = TestHost.runId() + "-" + a.name();
    String containerB = TestHost.runId() + "-" + b.name();
    String ipB = TestHost.exec(List.of("docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
        containerB)).stdout().strip();
    assertThat(ipB).matches("[0-9.]+");
    TestHost.Result reach = TestHost.exec(List.of("docker", "exec", containerA, "timeout", "3", "bash", "-c",
        "echo > /dev/tcp/" + ipB + "/5432"));
    assertThat(reach.ok()).as("a connection from one database's container to another's").isFalse();
    TestHost.Result self = TestHost.exec(List.of("docker", "exec", containerA, "timeout", "3", "bash", "-c",
        "echo > /dev/tcp/127.0.0.1/5432"));
    assertThat(self.ok()).as("the probe itself works").isTrue();
  }

  @Test
  void statsAndLogsOfARunningDatabase() {
    ContainerSpec spec = onNewVolume("postgresql", "16", "watched");
    runtime.run(spec);
    runtime.awaitReady(spec.id(), spec.credentials(), READY);
    assertThat(runtime.stats(spec.id()).memoryLimitBytes()).isEqualTo(spec.resources().memoryBytes());
    assertThat(runtime.logs(spec.id(), 50, null)).contains("ready to accept connections");
    assertThat(runtime.logs(spec.id(), 50, java.time.Instant.now().plusSeconds(3600))).isEmpty();
  }
}
