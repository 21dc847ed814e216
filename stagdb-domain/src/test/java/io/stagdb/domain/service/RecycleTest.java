package io.stagdb.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.DatabaseStatus;
import io.stagdb.domain.model.Event;
import io.stagdb.domain.model.EventType;
import io.stagdb.domain.model.SnapshotName;
import io.stagdb.domain.port.in.CreateBranch;
import io.stagdb.domain.port.in.StepTimings;
import io.stagdb.domain.testkit.InMemoryStagDb;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recycling a pooled branch in place: the same container, port and password, the data put back. */
class RecycleTest {
  @TempDir
  Path dir;
  InMemoryStagDb stag;
  Database source;

  @BeforeEach
  void setUp() throws IOException {
    stag = new InMemoryStagDb(dir);
    source = CompensationTest.createPg(stag, "source");
    Files.writeString(data(source), "v1");
    stag.service.snapshot(source.name(), SnapshotName.of("base"));
  }

  Path data(Database d) {
    return stag.volumes.mountPath(stag.service.get(d.name()).volume()).resolve("row.txt");
  }

  Database pooled(String name) {
    return stag.service.branchFromSnapshot(SnapshotName.of("base"), CreateBranch.named(DatabaseName.of(name)).asRecyclable());
  }

  @Test
  void swapsInTheSpareMadeAheadKeepingContainerPortAndPassword() throws IOException {
    Database branch = pooled("pooled");
    assertThat(branch.volume()).isEqualTo(branch.id() + "--1");
    assertThat(stag.service.awaitBackgroundWork(Duration.ofSeconds(10))).isTrue();
    assertThat(stag.volumeNames()).as("its spare, made in the background").contains(branch.id() + "--2");
    Files.writeString(data(branch), "written by a test");
    var spec = stag.runtime.specOf(branch.id());

    StepTimings.Recorded<Database> run = StepTimings.record(() -> stag.service.recycle(branch.name()));
    Database recycled = run.value();

    assertThat(recycled.volume()).isEqualTo(branch.id() + "--2");
    assertThat(data(recycled)).hasContent("v1");
    assertThat(recycled.status()).isEqualTo(DatabaseStatus.RUNNING);
    assertThat(recycled.port()).isEqualTo(branch.port());
    assertThat(recycled.credentials()).isEqualTo(branch.credentials());
    // the same container, moved onto the spare
    assertThat(stag.runtime.specOf(branch.id())).isEqualTo(spec.on(stag.volumes.mountPath(recycled.volume())));
    stag.runtime.awaitReady(branch.id(), branch.credentials(), Duration.ofSeconds(1));   // its own password again
    assertThat(run.steps()).extracting(StepTimings.Step::name)
        .containsExactly("lock", "check", "halt", "swap", "resume", "ready", "catalog");
    assertThat(stag.catalog.events()).extracting(Event::type).endsWith(EventType.BRANCH_RECYCLED);

    // in the background: the spare took over the recycle point, the volume it replaced went, the next spare came
    assertThat(stag.service.awaitBackgroundWork(Duration.ofSeconds(10))).isTrue();
    assertThat(stag.volumeNames()).filteredOn(v -> v.startsWith(branch.id().value()))
        .containsExactlyInAnyOrder(branch.id() + "--2", branch.id() + "--3");
    assertThat(stag.volumes.snapshotExists(recycled.volume(), Provisioning.RECYCLE_POINT)).isTrue();
    for (int i = 0; i < 3; i++) {   // again and again, also when the next spare is not ready yet
      Files.writeString(data(branch), "test " + i);
      stag.service.recycle(branch.name());
      assertThat(data(branch)).hasContent("v1");
    }
    assertThat(stag.service.get(branch.name()).volume()).isEqualTo(branch.id() + "--5");
    CompensationTest.assertConsistent(stag);
    // background tidies that came late promoted nothing beyond the group: the source keeps its snapshot
    var base = stag.catalog.snapshots().stream().filter(s -> s.name().value().equals("base")).findFirst().orElseThrow();
    assertThat(stag.volumes.snapshotExists(source.volume(), base.id().value())).isTrue();
    assertThat(stag.volumes.list()).filteredOn(i -> i.volume().equals(source.volume()) && !i.isSnapshot())
        .singleElement().satisfies(i -> assertThat(i.originVolume()).isNull());
    stag.service.delete(branch.name(), false);
    assertThat(stag.volumeNames()).noneMatch(v -> v.startsWith(branch.id().value()));
  }

  @Test
  void rollsTheVolumeBackWhereTheEngineCannotBeMoved() throws IOException {
    stag.runtime.movable(false);
    Database branch = pooled("pooled");
    assertThat(stag.service.awaitBackgroundWork(Duration.ofSeconds(10))).isTrue();
    assertThat(stag.volumeNames()).as("no spare made").doesNotContain(branch.id() + "--2");
    Files.writeString(data(branch), "written by a test");
    var spec = stag.runtime.specOf(branch.id());

    StepTimings.Recorded<Database> run = StepTimings.record(() -> stag.service.recycle(branch.name()));
    Database recycled = run.value();

    assertThat(data(recycled)).hasContent("v1");
    assertThat(recycled.status()).isEqualTo(DatabaseStatus.RUNNING);
    assertThat(recycled.port()).isEqualTo(branch.port());
    assertThat(recycled.credentials()).isEqualTo(branch.credentials());
    assertThat(recycled.volume()).isEqualTo(branch.volume());
    assertThat(stag.runtime.specOf(branch.id())).isSameAs(spec);   // the same container, not a new one
    stag.runtime.awaitReady(branch.id(), branch.credentials(), Duration.ofSeconds(1));   // its own password again
    assertThat(run.steps()).extracting(StepTimings.Step::name)
        .containsExactly("lock", "check", "halt", "swap", "rollback", "resume", "ready", "catalog");
    assertThat(stag.catalog.events()).extracting(Event::type).endsWith(EventType.BRANCH_RECYCLED);
    // again and again: the recycle point stays
    Files.writeString(data(branch), "second test");
    stag.service.recycle(branch.name());
    assertThat(data(branch)).hasContent("v1");
    CompensationTest.assertConsistent(stag);
  }

  @Test
  void aBranchMadeWithoutARecyclePointOrWithSnapshotsOfItsOwnIsReset() {
    Database plain = stag.service.branchFromSnapshot(SnapshotName.of("base"), CreateBranch.named(DatabaseName.of("plain")));
    assertThatThrownBy(() -> stag.service.recycle(plain.name()))
        .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.reason()).isEqualTo(ConflictException.Reason.INVALID_STATE))
        .hasMessageContaining("not created recyclable").hasMessageContaining("reset it instead");
    Database pooled = pooled("pooled");
    stag.service.snapshot(pooled.name(), SnapshotName.of("its-own"));
    assertThatThrownBy(() -> stag.service.recycle(pooled.name()))
        .hasMessageContaining("snapshots of its own [its-own]");
    assertThatThrownBy(() -> stag.service.recycle(source.name())).hasMessageContaining("not a branch");
  }

  @Test
  void aResetKeepsABranchRecyclable() throws IOException {
    Database branch = pooled("pooled");
    Database reset = stag.service.reset(branch.name(), null);
    assertThat(reset.volume()).isNotEqualTo(branch.volume());
    Files.writeString(data(reset), "dirty");
    stag.service.recycle(branch.name());
    assertThat(data(reset)).hasContent("v1");
    CompensationTest.assertConsistent(stag);
  }

  @Test
  void aFailedRecycleLeavesTheBranchFailedWithTheReason() {
    Database branch = pooled("pooled");
    stag.faults.failOnCall("runtime.awaitReady", 1);
    assertThatThrownBy(() -> stag.service.recycle(branch.name())).hasMessageContaining("injected");
    Database failed = stag.service.get(branch.name());
    assertThat(failed.status()).isEqualTo(DatabaseStatus.FAILED);
    assertThat(failed.statusDetail()).startsWith("recycle failed:").contains("injected");
    stag.service.recycle(branch.name());   // a failed branch can be recycled again
    assertThat(stag.service.get(branch.name()).status()).isEqualTo(DatabaseStatus.RUNNING);
  }

  @Test
  void theReconcilerKeepsRecyclePointsAndTheyGoWithTheirBranch() {
    Database branch = pooled("pooled");
    assertThat(stag.volumeSnapshots()).contains(branch.volume() + "@" + Provisioning.RECYCLE_POINT);
    assertThat(stag.reconciler(true).reconcile(false).actions()).isEmpty();
    stag.service.delete(branch.name(), false);
    assertThat(stag.volumeSnapshots()).noneMatch(s -> s.startsWith(branch.volume() + "@"));
    CompensationTest.assertConsistent(stag);
  }
}
