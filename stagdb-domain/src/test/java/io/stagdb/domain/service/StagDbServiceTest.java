package io.stagdb.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.DatabaseStatus;
import io.stagdb.domain.model.Engine;
import io.stagdb.domain.model.EngineSettings;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.model.Event;
import io.stagdb.domain.model.EventType;
import io.stagdb.domain.model.ResourceRequest;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.model.SnapshotName;
import io.stagdb.domain.port.in.CreateBranch;
import io.stagdb.domain.port.in.CreateDatabase;
import io.stagdb.domain.port.in.DatabaseFilter;
import io.stagdb.domain.port.out.ContainerState;
import io.stagdb.domain.testkit.RecordingLogFollower;
import io.stagdb.domain.testkit.InMemoryStagDb;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagDbServiceTest {
  @TempDir
  Path dir;
  InMemoryStagDb stag;
  StagDbService service;

  @BeforeEach
  void setUp() {
    stag = new InMemoryStagDb(dir);
    service = stag.service;
  }

  static DatabaseName name(String n) {
    return DatabaseName.of(n);
  }

  static SnapshotName snap(String n) {
    return SnapshotName.of(n);
  }

  Database createPg(String name) {
    return service.create(CreateDatabase.of(name(name), EngineVersion.parse("postgresql", "15")));
  }

  Path data(Database db) {
    return stag.volumes.mountPath(service.get(db.name()).volume());
  }

  List<EventType> eventTypes() {
    return stag.catalog.events().stream().map(Event::type).toList();
  }

  @Test
  void extensionsAreCreatedAndSettingsRunWithTheDatabaseAndItsBranches() {
    EngineSettings wanted = EngineSettings.of(Engine.POSTGRESQL, List.of("pg_trgm", "pg_stat_statements"),
        Map.of("work_mem", "16MB"));
    Database db = service.create(new CreateDatabase(name("tuned"), EngineVersion.parse("pg", "15"), null, null, null, null,
        wanted, null, null));
    assertThat(db.engineSettings()).isEqualTo(wanted);
    assertThat(stag.runtime.extensionsCreated(db.id())).containsExactly("pg_trgm", "pg_stat_statements");
    assertThat(stag.runtime.specOf(db.id()).engineSettings()).isEqualTo(wanted);
    service.snapshot(db.name(), snap("tuned-base"));
    Database branch = service.branchFromSnapshot(snap("tuned-base"), io.stagdb.domain.port.in.CreateBranch.named(name("tuned-b")));
    assertThat(branch.engineSettings()).as("inherited").isEqualTo(wanted);
    assertThat(stag.runtime.specOf(branch.id()).engineSettings()).isEqualTo(wanted);
    assertThat(stag.runtime.extensionsCreated(branch.id())).as("already in the cloned data").isEmpty();
  }

  @Test
  void anExtensionTheImageDoesNotOfferIsRefusedWithNothingLeft() {
    assertThatThrownBy(() -> service.create(new CreateDatabase(name("gis"), EngineVersion.parse("pg", "15"), null, null,
        null, null, EngineSettings.of(Engine.POSTGRESQL, List.of("postgis"), null), null, null)))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("config.extensions"))
        .hasMessageContaining("postgis");
    assertThat(stag.catalog.databases()).isEmpty();
    assertThat(stag.runtime.list()).isEmpty();
    assertThat(stag.volumes.list()).isEmpty();
  }

  @Test
  void createsARunningDatabaseWithGeneratedCredentialsAndAPortFromTheRange() {
    Database db = service.create(new CreateDatabase(name("my-app-db"), EngineVersion.parse("postgresql", "15"),
        new ResourceRequest("1g", null, "10g"), null, Map.of("TZ", "UTC"), List.of("CREATE TABLE t (x int)"), null, null, null));
    assertThat(db.status()).isEqualTo(DatabaseStatus.RUNNING);
    assertThat(db.id().value()).startsWith("db-");
    assertThat(db.credentials().username()).isEqualTo("postgres");
    assertThat(db.credentials().database()).isEqualTo("postgres");
    assertThat(db.credentials().password()).isNotBlank();
    assertThat(db.port()).isEqualTo(15432);
    assertThat(db.resources().memoryBytes()).isEqualTo(1L << 30);
    assertThat(stag.runtime.scriptsRun(db.id())).containsExactly("CREATE TABLE t (x int)");
    assertThat(stag.runtime.specOf(db.id()).env()).containsEntry("TZ", "UTC");
    assertThat(service.get(name("my-app-db"))).isEqualTo(db);
    assertThat(eventTypes()).containsExactly(EventType.DATABASE_CREATED);
  }

  @Test
  void refusesADuplicateNameAndATakenPort() {
    Database first = createPg("dup");
    assertThatThrownBy(() -> createPg("dup")).isInstanceOfSatisfying(ConflictException.class,
        e -> assertThat(e.reason()).isEqualTo(ConflictException.Reason.ALREADY_EXISTS));
    assertThatThrownBy(() -> service.create(new CreateDatabase(name("other"), EngineVersion.parse("pg", "15"),
        null, first.port(), null, null, null, null, null))).isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> service.create(new CreateDatabase(name("outside"), EngineVersion.parse("pg", "15"),
        null, 80, null, null, null, null, null))).isInstanceOfSatisfying(InvalidRequestException.class,
        e -> assertThat(e.field()).isEqualTo("config.port"));
    assertThat(service.list(DatabaseFilter.ALL)).extracting(Database::name).containsExactly(name("dup"));
  }

  @Test
  void anAutoAssignedPortTakenOnTheHostMovesToTheNextFreeOne() {
    stag.faults.failOnCall("runtime.run", 1,
        new ConflictException(ConflictException.Reason.BUSY, "cannot start: the host port is already in use"));
    Database db = createPg("port-moves");
    assertThat(db.port()).isEqualTo(15433);
    assertThat(service.get(db.name()).port()).isEqualTo(15433);
    assertThat(stag.runtime.specOf(db.id()).hostPort()).isEqualTo(15433);
  }

  @Test
  void aRequestedPortTakenOnTheHostIsAConflict() {
    stag.faults.failOnCall("runtime.run", 1,
        new ConflictException(ConflictException.Reason.BUSY, "cannot start: the host port is already in use"));
    assertThatThrownBy(() -> service.create(new CreateDatabase(name("wants-port"), EngineVersion.parse("pg", "15"), null,
        16000, null, null, null, null, null))).isInstanceOf(ConflictException.class).hasMessageContaining("host port");
    assertThat(stag.catalog.databases()).isEmpty();
    assertThat(stag.volumeNames()).isEmpty();
  }

  @Test
  void validatesEnvironmentAndScripts() {
    EngineVersion pg = EngineVersion.parse("pg", "15");
    assertThatThrownBy(() -> service.create(new CreateDatabase(name("env"), pg, null, null, Map.of("1BAD", "x"),
        null, null, null, null))).isInstanceOfSatisfying(InvalidRequestException.class,
        e -> assertThat(e.field()).isEqualTo("config.env"));
    assertThatThrownBy(() -> service.create(new CreateDatabase(name("env"), pg, null, null, null,
        List.of(" "), null, null, null))).isInstanceOfSatisfying(InvalidRequestException.class,
        e -> assertThat(e.field()).isEqualTo("config.initScripts"));
    assertThatThrownBy(() -> service.create(new CreateDatabase(name("env"), pg, new ResourceRequest("8g", null, null),
        null, null, null, null, null, null))).isInstanceOfSatisfying(InvalidRequestException.class,
        e -> assertThat(e.field()).isEqualTo("config.memory"));
    assertThat(stag.volumeNames()).isEmpty();
  }

  @Test
  void stopsAndStartsIdempotentlyAndRestarts() {
    Database db = createPg("lifecycle");
    assertThat(service.stop(db.name()).status()).isEqualTo(DatabaseStatus.STOPPED);
    assertThat(service.stop(db.name()).status()).isEqualTo(DatabaseStatus.STOPPED);
    assertThat(stag.runtime.state(db.id())).isEqualTo(ContainerState.STOPPED);
    assertThat(service.start(db.name()).status()).isEqualTo(DatabaseStatus.RUNNING);
    assertThat(service.start(db.name()).status()).isEqualTo(DatabaseStatus.RUNNING);
    assertThat(service.restart(db.name()).status()).isEqualTo(DatabaseStatus.RUNNING);
    assertThat(eventTypes()).containsExactly(EventType.DATABASE_CREATED, EventType.DATABASE_STOPPED,
        EventType.DATABASE_STARTED, EventType.DATABASE_STOPPED, EventType.DATABASE_STARTED);
  }

  @Test
  void startRecreatesAContainerThatWentMissing() {
    Database db = createPg("lost-container");
    service.stop(db.name());
    stag.runtime.remove(db.id());
    assertThat(service.start(db.name()).status()).isEqualTo(DatabaseStatus.RUNNING);
    assertThat(stag.runtime.state(db.id())).isEqualTo(ContainerState.RUNNING);
  }

  @Test
  void startMountsAVolumeThatAHostRebootLeftUnmounted() throws IOException {
    Database db = createPg("after-reboot");
    Files.writeString(data(db).resolve("rows"), "the data");
    service.stop(db.name());
    stag.runtime.remove(db.id());
    stag.volumes.unmount(db.volume());

    assertThat(service.start(db.name()).status()).isEqualTo(DatabaseStatus.RUNNING);
    assertThat(data(db).resolve("rows")).hasContent("the data");
  }

  @Test
  void aStartThatFailsMarksTheDatabaseFailed() {
    Database db = createPg("fails-to-start");
    service.stop(db.name());
    stag.faults.failOnCall("runtime.awaitReady", 1);
    assertThatThrownBy(() -> service.start(db.name())).hasMessageContaining("injected");
    Database failed = service.get(db.name());
    assertThat(failed.status()).isEqualTo(DatabaseStatus.FAILED);
    assertThat(failed.statusDetail()).contains("start failed");
    assertThat(eventTypes()).endsWith(EventType.DATABASE_FAILED);
  }

  @Test
  void aCrashedContainerMarksItsDatabaseFailedWithTheExitCode() {
    Database db = createPg("crashy");
    Database healthy = createPg("healthy");
    stag.runtime.crash(db.id(), 137);
    assertThat(service.detectCrashes()).containsExactly(db.name());
    Database failed = service.get(db.name());
    assertThat(failed.status()).isEqualTo(DatabaseStatus.FAILED);
    assertThat(failed.statusDetail()).isEqualTo("container exited with code 137");
    assertThat(service.get(healthy.name()).status()).isEqualTo(DatabaseStatus.RUNNING);
    assertThat(eventTypes()).endsWith(EventType.DATABASE_FAILED);
    assertThat(service.detectCrashes()).isEmpty();
    assertThat(service.start(db.name()).status()).isEqualTo(DatabaseStatus.RUNNING);
  }

  @Test
  void snapshotsRunningDatabasesQuiescedAndStoppedOnesDirectly() {
    Database db = createPg("snappy");
    Snapshot running = service.snapshot(db.name(), snap("pre-migration-v2.0"));
    assertThat(stag.faults.calls("runtime.quiesce")).isEqualTo(1);
    assertThat(stag.runtime.openQuiesces()).isZero();
    service.stop(db.name());
    Snapshot stopped = service.snapshot(db.name(), snap("while-stopped"));
    assertThat(stag.faults.calls("runtime.quiesce")).isEqualTo(1);
    assertThat(running.automatic()).isFalse();
    assertThat(service.snapshots(db.name())).containsExactly(running, stopped);
    assertThat(service.getSnapshot(snap("pre-migration-v2.0"))).isEqualTo(running);
    assertThatThrownBy(() -> service.snapshot(db.name(), snap("while-stopped"))).isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> service.snapshot(name("nope"), snap("x"))).isInstanceOf(NotFoundException.class);
    assertThat(stag.volumeSnapshots()).hasSize(2);
  }

  @Test
  void aBranchSeesTheSnapshotDataAndGetsItsOwnPasswordAndPort() throws IOException {
    Database source = createPg("main-db");
    Files.writeString(data(source).resolve("row.txt"), "42");
    service.snapshot(source.name(), snap("qa-baseline"));
    Files.writeString(data(source).resolve("later.txt"), "later");

    Database branch = service.branchFromSnapshot(snap("qa-baseline"), CreateBranch.named(name("qa1")));

    assertThat(branch.status()).isEqualTo(DatabaseStatus.RUNNING);
    assertThat(branch.isBranch()).isTrue();
    assertThat(branch.port()).isNotEqualTo(source.port());
    assertThat(branch.credentials().password()).isNotEqualTo(source.credentials().password());
    assertThat(branch.credentials().username()).isEqualTo(source.credentials().username());
    assertThat(data(branch).resolve("row.txt")).hasContent("42");
    assertThat(data(branch).resolve("later.txt")).doesNotExist();
    // the engine in the branch now accepts only the branch's password
    stag.runtime.awaitReady(branch.id(), branch.credentials(), Duration.ofSeconds(1));
    assertThatThrownBy(() -> stag.runtime.awaitReady(branch.id(), source.credentials(), Duration.ofSeconds(1)))
        .hasMessageContaining("refused");
    assertThat(service.list(new DatabaseFilter(null, null, snap("qa-baseline")))).containsExactly(branch);
    assertThat(eventTypes()).endsWith(EventType.BRANCH_CREATED);
  }

  @Test
  void branchesCarryLabelsWhichAreValidated() {
    Database source = createPg("labelled");
    service.snapshot(source.name(), snap("base"));
    Database b = service.branchFromSnapshot(snap("base"),
        new CreateBranch(name("session-branch"), null, null, null, Map.of("io.stagdb.session", "s-42")));
    assertThat(b.labels()).containsEntry("io.stagdb.session", "s-42");
    assertThat(stag.runtime.specOf(b.id()).labels()).containsEntry("io.stagdb.session", "s-42");
    assertThatThrownBy(() -> service.branchFromSnapshot(snap("base"),
        new CreateBranch(name("bad-label"), null, null, null, Map.of("io.stagdb.managed", "false"))))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("labels"));
    assertThatThrownBy(() -> service.branchFromSnapshot(snap("base"),
        new CreateBranch(name("bad-label"), null, null, null, Map.of("Upper Case", "x"))))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void manyBranchesFromOneSnapshotAndResourceOverrides() {
    Database source = createPg("baseline");
    service.snapshot(source.name(), snap("qa-baseline"));
    for (String env : List.of("qa1", "qa2", "qa3")) {
      service.branchFromSnapshot(snap("qa-baseline"), CreateBranch.named(name(env)));
    }
    Database big = service.branchFromSnapshot(snap("qa-baseline"),
        new CreateBranch(name("big"), new ResourceRequest("2g", "2", null), null, null, null));
    assertThat(big.resources().memoryBytes()).isEqualTo(2L << 30);
    assertThat(big.resources().storageBytes()).isEqualTo(source.resources().storageBytes());
    assertThat(service.list(DatabaseFilter.ALL)).hasSize(5);
    assertThat(service.list(DatabaseFilter.ALL).stream().map(Database::port).distinct()).hasSize(5);
    assertThat(service.list(new DatabaseFilter(Engine.MYSQL, null, null))).isEmpty();
  }

  @Test
  void aBranchFromADatabaseTakesAnAutomaticSnapshotThatGoesWithItsLastBranch() {
    Database source = createPg("production");
    Database branch = service.branchFromDatabase(source.name(), CreateBranch.named(name("test-db")));
    Snapshot automatic = service.snapshots(source.name()).get(0);
    assertThat(automatic.automatic()).isTrue();
    assertThat(automatic.name().value()).startsWith("auto-");
    assertThat(branch.origin()).isEqualTo(automatic.id());

    service.delete(branch.name(), false);

    assertThat(service.snapshots(null)).isEmpty();
    assertThat(stag.volumeSnapshots()).isEmpty();
    assertThat(stag.volumeNames()).containsExactly(source.volume());
  }

  @Test
  void branchesOfBranchesWork() {
    Database source = createPg("root-db");
    Database child = service.branchFromDatabase(source.name(), CreateBranch.named(name("child")));
    Database grandchild = service.branchFromDatabase(child.name(), CreateBranch.named(name("grandchild")));
    assertThat(grandchild.status()).isEqualTo(DatabaseStatus.RUNNING);
    assertThatThrownBy(() -> service.delete(child.name(), false)).isInstanceOfSatisfying(ConflictException.class,
        e -> assertThat(e.dependents()).containsExactly("grandchild"));
    service.delete(source.name(), true);
    assertThat(service.list(DatabaseFilter.ALL)).isEmpty();
    assertThat(stag.volumeNames()).isEmpty();
    assertThat(stag.volumeSnapshots()).isEmpty();
    assertThat(stag.runtime.list()).isEmpty();
  }

  @Test
  void deletingASnapshotWithBranchesNeedsCascade() {
    Database source = createPg("prod-db");
    service.snapshot(source.name(), snap("pre-migration-v2.0"));
    service.branchFromSnapshot(snap("pre-migration-v2.0"), CreateBranch.named(name("migration-test")));

    assertThatThrownBy(() -> service.deleteSnapshot(snap("pre-migration-v2.0"), false))
        .isInstanceOfSatisfying(ConflictException.class, e -> {
          assertThat(e.reason()).isEqualTo(ConflictException.Reason.HAS_DEPENDENTS);
          assertThat(e.dependents()).containsExactly("migration-test");
          assertThat(e.getMessage()).contains("migration-test");
        });
    assertThatThrownBy(() -> service.delete(source.name(), false)).isInstanceOf(ConflictException.class);

    service.deleteSnapshot(snap("pre-migration-v2.0"), true);
    assertThat(service.list(DatabaseFilter.ALL)).extracting(Database::name).containsExactly(source.name());
    assertThat(service.snapshots(null)).isEmpty();
    assertThat(stag.volumeNames()).containsExactly(source.volume());
    assertThat(eventTypes()).contains(EventType.SNAPSHOT_DELETED, EventType.DATABASE_DELETED);
  }

  @Test
  void resetBringsABranchBackToItsSnapshotKeepingPasswordAndPort() throws IOException {
    Database source = createPg("reset-src");
    Files.writeString(data(source).resolve("row.txt"), "v1");
    service.snapshot(source.name(), snap("v1"));
    Database branch = service.branchFromSnapshot(snap("v1"), CreateBranch.named(name("ci-build-7")));
    Files.writeString(data(branch).resolve("row.txt"), "dirty");

    Database reset = service.reset(branch.name(), null);

    assertThat(data(reset).resolve("row.txt")).hasContent("v1");
    assertThat(reset.port()).isEqualTo(branch.port());
    assertThat(reset.credentials()).isEqualTo(branch.credentials());
    assertThat(reset.volume()).isNotEqualTo(branch.volume());
    stag.runtime.awaitReady(branch.id(), branch.credentials(), Duration.ofSeconds(1));
    assertThat(stag.volumeNames()).containsExactlyInAnyOrder(source.volume(), reset.volume());
    assertThat(eventTypes()).endsWith(EventType.BRANCH_RESET);
  }

  @Test
  void aResetKeepsTheSnapshotsTakenOfTheBranchBeforeItUntilTheyAreDeleted() throws IOException {
    Database source = createPg("keep-src");
    Files.writeString(data(source).resolve("row.txt"), "v1");
    service.snapshot(source.name(), snap("base"));
    Database branch = service.branchFromSnapshot(snap("base"), CreateBranch.named(name("work")));
    Files.writeString(data(branch).resolve("row.txt"), "work in progress");
    service.snapshot(branch.name(), snap("wip"));

    Database reset = service.reset(branch.name(), null);
    assertThat(data(reset).resolve("row.txt")).hasContent("v1");
    Database fromWip = service.branchFromSnapshot(snap("wip"), CreateBranch.named(name("from-wip")));
    assertThat(data(fromWip).resolve("row.txt")).hasContent("work in progress");
    assertThat(stag.volumeNames()).as("the earlier volume stays for its snapshot")
        .containsExactlyInAnyOrder(source.volume(), branch.volume(), reset.volume(), fromWip.volume());

    service.deleteSnapshot(snap("wip"), true);
    assertThat(stag.volumeNames()).as("the last snapshot takes the earlier volume along")
        .containsExactlyInAnyOrder(source.volume(), reset.volume());

    service.snapshot(reset.name(), snap("wip-2"));
    service.reset(reset.name(), null);
    service.delete(reset.name(), false);
    assertThat(stag.volumeNames()).as("deleting the branch takes its earlier volumes along").containsExactly(source.volume());
    assertThat(stag.volumeSnapshots()).hasSize(1);
  }

  /**
   * A reset whose clean-up fails (the earlier volume could not be destroyed: found by the
   * concurrent fault campaign) leaves nothing once the branch is deleted: the earlier volume goes
   * with it, so it cannot outlive it as an orphan holding its origin's snapshot, and the source can
   * be deleted after it.
   */
  @Test
  void deletingABranchTakesAlongAnEarlierVolumeItsResetCouldNotDestroy() {
    Database source = createPg("left-src");
    service.snapshot(source.name(), snap("base"));
    Database branch = service.branchFromSnapshot(snap("base"), CreateBranch.named(name("left-br")));
    stag.faults.failOnCall("volumes.destroy", 1);
    Database reset = service.reset(branch.name(), null);
    stag.faults.reset();
    assertThat(stag.volumeNames()).as("the reset's clean-up failed").contains(branch.volume(), reset.volume());

    service.delete(branch.name(), false);
    assertThat(stag.volumeNames()).containsExactly(source.volume());
    service.delete(source.name(), true);
    assertThat(stag.volumeNames()).isEmpty();
    CompensationTest.assertConsistent(stag);
  }

  @Test
  void resetToAnotherSnapshotOfTheSameOriginOnly() throws IOException {
    Database source = createPg("multi");
    Files.writeString(data(source).resolve("row.txt"), "v1");
    service.snapshot(source.name(), snap("v1"));
    Files.writeString(data(source).resolve("row.txt"), "v2");
    service.snapshot(source.name(), snap("v2"));
    Database branch = service.branchFromSnapshot(snap("v1"), CreateBranch.named(name("feature")));

    Database reset = service.reset(branch.name(), snap("v2"));
    assertThat(data(reset).resolve("row.txt")).hasContent("v2");
    assertThat(reset.origin()).isEqualTo(service.getSnapshot(snap("v2")).id());

    Database other = createPg("other");
    service.snapshot(other.name(), snap("foreign"));
    assertThatThrownBy(() -> service.reset(branch.name(), snap("foreign")))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("snapshot"));
    assertThatThrownBy(() -> service.reset(source.name(), null)).isInstanceOf(ConflictException.class);
  }

  @Test
  void resetOfABranchFromADatabaseToANamedSnapshotDropsTheUnusedAutomaticOne() {
    Database source = createPg("auto-src");
    Database branch = service.branchFromDatabase(source.name(), CreateBranch.named(name("auto-branch")));
    service.snapshot(source.name(), snap("named"));
    service.reset(branch.name(), snap("named"));
    assertThat(service.snapshots(null)).extracting(s -> s.name().value()).containsExactly("named");
  }

  @Test
  void theReaperDeletesExpiredBranchesOnly() {
    Database source = createPg("ttl-src");
    service.snapshot(source.name(), snap("base"));
    service.branchFromSnapshot(snap("base"), new CreateBranch(name("short"), null, null, Duration.ofMinutes(10), null));
    service.branchFromSnapshot(snap("base"), new CreateBranch(name("long"), null, null, Duration.ofHours(2), null));
    assertThatThrownBy(() -> service.branchFromSnapshot(snap("base"),
        new CreateBranch(name("zero"), null, null, Duration.ZERO, null))).isInstanceOf(InvalidRequestException.class);

    assertThat(service.deleteExpired()).isEmpty();
    stag.clock.advance(Duration.ofMinutes(11));
    assertThat(service.deleteExpired()).containsExactly(name("short"));
    assertThat(service.list(DatabaseFilter.ALL)).extracting(d -> d.name().value()).containsExactly("long", "ttl-src");
  }

  @Test
  void statsAndLogsComeFromThePorts() {
    Database db = createPg("watched");
    assertThat(service.stats(db.name()).runtime().memoryLimitBytes()).isEqualTo(db.resources().memoryBytes());
    assertThat(service.stats(db.name()).engine().sizeBytes()).isPositive();
    assertThat(service.stats(db.name()).storage().quota()).isEqualTo(db.resources().storageBytes());
    assertThat(service.logs(db.name(), 10, null)).contains("ready");
    service.stop(db.name());
    assertThat(service.stats(db.name()).runtime()).isNull();
    assertThat(service.stats(db.name()).engine()).isNull();
    assertThatThrownBy(() -> service.logs(db.name(), -1, null)).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> service.logs(db.name(), 10_001, null)).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void followingALogSeesNewLinesUntilTheDatabaseStops() throws Exception {
    Database db = createPg("followed");
    RecordingLogFollower follower = new RecordingLogFollower();
    service.followLogs(db.name(), 0, null, follower);
    stag.runtime.log(db.id(), "LOG:  checkpoint starting: time");
    assertThat(follower.text()).isEqualTo("LOG:  checkpoint starting: time\n");
    service.stop(db.name());
    assertThat(follower.awaitEnd(java.time.Duration.ofSeconds(1))).contains("stopped");
    assertThatThrownBy(() -> service.followLogs(DatabaseName.of("no-such-db"), 0, null, follower))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> service.followLogs(db.name(), -1, null, follower))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void unknownNamesAreNotFound() {
    assertThatThrownBy(() -> service.get(name("ghost"))).isInstanceOfSatisfying(NotFoundException.class,
        e -> assertThat(e.getMessage()).isEqualTo("database 'ghost' does not exist"));
    assertThatThrownBy(() -> service.delete(name("ghost"), false)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> service.branchFromSnapshot(snap("ghost"), CreateBranch.named(name("x"))))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> service.deleteSnapshot(snap("ghost"), true)).isInstanceOf(NotFoundException.class);
  }

  @Test
  void aBranchNameMustNotClashWithADatabase() {
    Database source = createPg("clash");
    service.snapshot(source.name(), snap("s"));
    assertThatThrownBy(() -> service.branchFromSnapshot(snap("s"), CreateBranch.named(name("clash"))))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> service.branchFromDatabase(source.name(), CreateBranch.named(name("clash"))))
        .isInstanceOf(ConflictException.class);
    assertThat(service.snapshots(null)).hasSize(1);
  }
}
