package io.stagdb.domain.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.DatabaseStatus;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.model.SnapshotName;
import io.stagdb.domain.port.in.CreateBranch;
import io.stagdb.domain.port.in.CreateDatabase;
import io.stagdb.domain.port.out.ContainerState;
import io.stagdb.domain.service.ReconcileReport.Kind;
import io.stagdb.domain.testkit.InMemoryStagDb;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconcilerTest {
  @TempDir
  Path dir;
  InMemoryStagDb stag;

  @BeforeEach
  void setUp() {
    stag = new InMemoryStagDb(dir);
  }

  Database createPg(String name) {
    return stag.service.create(CreateDatabase.of(DatabaseName.of(name), EngineVersion.parse("pg", "15")));
  }

  @Test
  void aConsistentWorldNeedsNothing() {
    createPg("fine");
    assertThat(stag.reconciler(true).reconcile(false).clean()).isTrue();
  }

  /**
   * A server stopped in a recycle by swap, after the catalog took the spare and before the engine
   * was moved: the container still runs on the volume it left, which holds the recycle point. The
   * reconciler moves it onto the catalogued volume (made independent first), and the old one goes.
   */
  @Test
  void finishesARecycleBySwapCutShort() throws IOException {
    Database source = createPg("source");
    Files.writeString(stag.volumes.mountPath(source.volume()).resolve("row.txt"), "v1");
    stag.service.snapshot(source.name(), SnapshotName.of("base"));
    Database branch = stag.service.branchFromSnapshot(SnapshotName.of("base"),
        CreateBranch.named(DatabaseName.of("pooled")).asRecyclable());
    assertThat(stag.service.awaitBackgroundWork(java.time.Duration.ofSeconds(10))).isTrue();
    Files.writeString(stag.volumes.mountPath(branch.volume()).resolve("row.txt"), "dirty");
    stag.runtime.halt(branch.id(), false);
    Database moved = branch.withVolume(branch.id() + "--2", branch.origin(), java.time.Instant.now());
    stag.catalog.transact(tx -> {
      tx.update(moved);
      return null;
    });

    ReconcileReport report = stag.reconciler(false).reconcile(false);
    assertThat(report.actions()).extracting(ReconcileReport.Action::kind).contains(Kind.RECREATE_CONTAINER);
    assertThat(report.actions()).allMatch(ReconcileReport.Action::applied);
    assertThat(stag.runtime.state(branch.id())).isEqualTo(ContainerState.RUNNING);
    assertThat(stag.runtime.specOf(branch.id()).dataPath()).isEqualTo(stag.volumes.mountPath(moved.volume()));
    assertThat(stag.runtime.specOf(branch.id()).restartable()).as("still recyclable in place").isTrue();
    assertThat(stag.volumes.mountPath(moved.volume()).resolve("row.txt")).hasContent("v1");
    assertThat(stag.service.awaitBackgroundWork(java.time.Duration.ofSeconds(10))).isTrue();
    assertThat(stag.volumeNames()).filteredOn(v -> v.startsWith(branch.id().value()))
        .containsExactlyInAnyOrder(branch.id() + "--2", branch.id() + "--3");
    CompensationTest.assertConsistent(stag);

    Files.writeString(stag.volumes.mountPath(moved.volume()).resolve("row.txt"), "dirty again");
    Database recycled = stag.service.recycle(branch.name());
    assertThat(recycled.volume()).isEqualTo(branch.id() + "--3");
    assertThat(stag.volumes.mountPath(recycled.volume()).resolve("row.txt")).hasContent("v1");
    CompensationTest.assertConsistent(stag);
    assertThat(stag.reconciler(false).reconcile(false).clean()).isTrue();
  }

  @Test
  void restartsCrashedContainersAndRecreatesMissingOnes() {
    Database crashed = createPg("crashed");
    Database lost = createPg("lost");
    stag.runtime.crash(crashed.id(), 137);
    stag.runtime.remove(lost.id());

    ReconcileReport dry = stag.reconciler(false).reconcile(true);
    assertThat(dry.actions()).extracting(ReconcileReport.Action::kind)
        .containsExactlyInAnyOrder(Kind.RESTART, Kind.RECREATE_CONTAINER);
    assertThat(dry.actions()).noneMatch(ReconcileReport.Action::applied);
    assertThat(stag.runtime.state(crashed.id())).isEqualTo(ContainerState.CRASHED);

    ReconcileReport report = stag.reconciler(false).reconcile(false);
    assertThat(report.actions()).allMatch(ReconcileReport.Action::applied);
    assertThat(stag.runtime.state(crashed.id())).isEqualTo(ContainerState.RUNNING);
    assertThat(stag.runtime.state(lost.id())).isEqualTo(ContainerState.RUNNING);
    assertThat(stag.reconciler(false).reconcile(false).clean()).isTrue();
  }

  @Test
  void mountsUnmountedVolumesBeforeRestartingOrRecreatingTheirContainers() throws IOException {
    Database crashed = createPg("crashed");
    Database lost = createPg("lost");
    for (Database db : List.of(crashed, lost)) {
      Files.writeString(stag.volumes.mountPath(db.volume()).resolve("rows"), db.name().value());
      stag.volumes.unmount(db.volume());
    }
    stag.runtime.crash(crashed.id(), 137);
    stag.runtime.remove(lost.id());

    assertThat(stag.reconciler(false).reconcile(false).actions()).allMatch(ReconcileReport.Action::applied);
    for (Database db : List.of(crashed, lost)) {
      assertThat(stag.runtime.state(db.id())).isEqualTo(ContainerState.RUNNING);
      assertThat(stag.volumes.mountPath(db.volume()).resolve("rows")).hasContent(db.name().value());
    }
  }

  @Test
  void undoesHalfCreatedAndFinishesHalfDeletedDatabases() {
    Database half = createPg("half-created");
    stag.catalog.transact(tx -> {
      tx.update(new Database(half.id(), half.name(), half.engine(), DatabaseStatus.CREATING, half.resources(),
          half.port(), half.credentials(), half.env(), half.initScripts(), half.engineSettings(), half.source(), half.refresh(), half.volume(), null, null, half.labels(),
          null, half.createdAt(), half.updatedAt()));
      return null;
    });
    Database deleting = createPg("half-deleted");
    stag.catalog.transact(tx -> {
      tx.update(deleting.withStatus(DatabaseStatus.DELETING, null, deleting.updatedAt()));
      return null;
    });

    ReconcileReport report = stag.reconciler(false).reconcile(false);

    assertThat(report.actions()).extracting(ReconcileReport.Action::kind)
        .containsExactlyInAnyOrder(Kind.UNDO_CREATE, Kind.FINISH_DELETE);
    assertThat(stag.catalog.databases()).isEmpty();
    assertThat(stag.volumeNames()).isEmpty();
    assertThat(stag.runtime.list()).isEmpty();
  }

  /**
   * A server killed between a snapshot's {@code zfs snapshot} and its catalog row (found by the
   * concurrent fault campaign) leaves a snapshot of stagDB's own naming that nothing records: it is
   * destroyed at start, not kept as an orphan on a database's volume.
   */
  @Test
  void destroysASnapshotMadeByAnOperationCutShortBeforeItWasRecorded() {
    Database db = createPg("cut-short");
    String half = io.stagdb.domain.model.SnapshotId.random().value();
    stag.volumes.snapshot(db.volume(), half);

    ReconcileReport dry = stag.reconciler(false).reconcile(true);
    assertThat(dry.actions()).extracting(ReconcileReport.Action::kind).containsExactly(Kind.LEFTOVER_SNAPSHOT);
    assertThat(stag.volumes.snapshotExists(db.volume(), half)).as("a dry run changes nothing").isTrue();

    ReconcileReport report = stag.reconciler(false).reconcile(false);
    assertThat(report.actions()).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(Kind.LEFTOVER_SNAPSHOT);
      assertThat(a.applied()).isTrue();
    });
    assertThat(stag.volumeSnapshots()).isEmpty();
  }

  @Test
  void reportsOrphansAndRemovesThemOnlyWhenConfigured() {
    Database db = createPg("owner");
    stag.volumes.create("stray-volume", 1L << 30);
    stag.volumes.snapshot(db.volume(), "stray-snapshot");

    ReconcileReport kept = stag.reconciler(false).reconcile(false);
    assertThat(kept.actions()).extracting(ReconcileReport.Action::kind)
        .containsExactlyInAnyOrder(Kind.ORPHAN_VOLUME, Kind.ORPHAN_SNAPSHOT);
    assertThat(kept.actions()).noneMatch(ReconcileReport.Action::applied);
    assertThat(stag.volumeNames()).contains("stray-volume");

    ReconcileReport removed = stag.reconciler(true).reconcile(false);
    assertThat(removed.actions()).allMatch(ReconcileReport.Action::applied);
    assertThat(stag.volumeNames()).containsExactly(db.volume());
    assertThat(stag.volumeSnapshots()).isEmpty();
  }

  @Test
  void movesAContainerLeftOnAnInterruptedResetsVolumeBackToTheCataloguedOne() throws IOException {
    Database db = createPg("half-reset");
    Files.writeString(stag.volumes.mountPath(db.volume()).resolve("rows"), "committed");
    String halfMade = db.id().value() + "-d5c08a";
    stag.volumes.create(halfMade, 1L << 30);
    io.stagdb.domain.port.out.ContainerSpec old = stag.runtime.specOf(db.id());
    stag.runtime.remove(db.id());
    stag.runtime.run(new io.stagdb.domain.port.out.ContainerSpec(old.id(), old.name(), old.engine(), old.resources(),
        old.hostPort(), old.credentials(), old.env(), stag.volumes.mountPath(halfMade), old.labels()));   // killed before the catalog moved

    ReconcileReport report = stag.reconciler(false).reconcile(false);
    assertThat(report.actions()).extracting(ReconcileReport.Action::kind)
        .containsExactly(Kind.RECREATE_CONTAINER, Kind.LEFTOVER_VOLUME);
    assertThat(report.actions()).allMatch(ReconcileReport.Action::applied);
    assertThat(stag.runtime.specOf(db.id()).dataPath()).isEqualTo(stag.volumes.mountPath(db.volume()));
    assertThat(stag.volumeNames()).containsExactly(db.volume());
  }

  @Test
  void destroysTheLeftoverVolumesOfResetsButKeepsThoseHoldingSnapshots() {
    Database db = createPg("reset-me");
    String leftover = db.id().value() + "-a1b2c3";
    stag.volumes.create(leftover, 1L << 30);
    stag.volumes.create("stray-volume", 1L << 30);

    ReconcileReport report = stag.reconciler(false).reconcile(false);
    assertThat(report.actions()).filteredOn(a -> a.kind() == Kind.LEFTOVER_VOLUME)
        .singleElement().satisfies(a -> {
          assertThat(a.subject()).isEqualTo(leftover);
          assertThat(a.applied()).isTrue();
        });
    assertThat(stag.volumeNames()).as("a volume of no known database waits for removeOrphans")
        .containsExactlyInAnyOrder(db.volume(), "stray-volume");
  }

  @Test
  void marksDatabasesWhoseVolumeIsGoneFailedAndDropsMissingSnapshots() {
    Database db = createPg("victim");
    stag.service.snapshot(db.name(), SnapshotName.of("lost-snap"));
    Database other = createPg("other");
    stag.service.snapshot(other.name(), SnapshotName.of("gone"));
    stag.volumes.destroySnapshot(other.volume(), stag.service.getSnapshot(SnapshotName.of("gone")).id().value());
    stag.runtime.remove(db.id());
    stag.volumes.destroy(db.volume(), false);

    ReconcileReport report = stag.reconciler(false).reconcile(false);

    assertThat(report.actions()).extracting(ReconcileReport.Action::kind)
        .contains(Kind.MISSING_VOLUME, Kind.MISSING_SNAPSHOT);
    assertThat(stag.service.get(db.name()).status()).isEqualTo(DatabaseStatus.FAILED);
    assertThat(stag.catalog.findSnapshot(SnapshotName.of("gone"))).isEmpty();
  }

  @Test
  void dropsAutomaticSnapshotsWhoseBranchesAreGone() {
    createPg("src");
    Database branch = stag.service.branchFromDatabase(DatabaseName.of("src"), CreateBranch.named(DatabaseName.of("b")));
    // simulate a crash right after the branch's rows went, before its automatic snapshot did
    stag.runtime.remove(branch.id());
    stag.volumes.destroy(branch.volume(), false);
    stag.catalog.transact(tx -> {
      tx.delete(branch.id());
      return null;
    });
    ReconcileReport report = stag.reconciler(false).reconcile(false);
    assertThat(report.actions()).extracting(ReconcileReport.Action::kind).containsExactly(Kind.UNUSED_AUTOMATIC_SNAPSHOT);
    assertThat(stag.catalog.snapshots()).isEmpty();
    assertThat(stag.volumeSnapshots()).isEmpty();
  }
}
