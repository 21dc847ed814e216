package io.stagdb.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.DatabaseStatus;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.model.SnapshotName;
import io.stagdb.domain.port.in.CreateBranch;
import io.stagdb.domain.port.in.CreateDatabase;
import io.stagdb.domain.port.out.ContainerState;
import io.stagdb.domain.port.out.ManagedContainer;
import io.stagdb.domain.testkit.InMemoryStagDb;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Breaks every port call of each flow in turn (the 1st, the 2nd, ... the Nth) and checks that
 * nothing is left behind: the failed operation undoes its completed steps, or, for a delete, the
 * reconciler finishes it.
 */
class CompensationTest {
  @TempDir
  Path dir;

  /** Everything that exists, in a comparable form. */
  record World(Set<String> volumes, Set<String> containers, Set<String> rows, Set<String> snapshotRows) {
  }

  static World world(InMemoryStagDb stag) {
    return new World(
        stag.volumes.list().stream().map(i -> i.volume() + (i.isSnapshot() ? "@" + i.snapshot() : "")).collect(Collectors.toSet()),
        stag.runtime.list().stream().map(c -> c.id() + ":" + c.state()).collect(Collectors.toSet()),
        stag.catalog.databases().stream().map(d -> d.name() + ":" + d.status() + ":" + d.port() + ":" + d.volume())
            .collect(Collectors.toSet()),
        stag.catalog.snapshots().stream().map(s -> s.name() + ":" + s.volume()).collect(Collectors.toSet()));
  }

  /** The invariants that must hold after any failure and reconciliation. */
  static void assertConsistent(InMemoryStagDb stag) {
    assertThat(stag.service.awaitBackgroundWork(java.time.Duration.ofSeconds(10))).as("background work done").isTrue();
    List<Database> databases = stag.catalog.databases();
    Set<String> volumes = new HashSet<>(stag.volumeNames());
    Set<String> owned = databases.stream().map(Database::volume).collect(Collectors.toSet());
    owned.stream().map(Spares::spareOf).forEach(volumes::remove);   // a recyclable branch's spare may wait beside it
    assertThat(volumes).as("volumes (spares aside)").isEqualTo(owned);
    Set<String> runningIds = stag.runtime.list().stream().filter(c -> c.state() == ContainerState.RUNNING)
        .map(c -> c.id().value()).collect(Collectors.toSet());
    for (Database d : databases) {
      assertThat(d.status()).as(d.name() + " status").isIn(DatabaseStatus.RUNNING, DatabaseStatus.STOPPED);
      if (d.status() == DatabaseStatus.RUNNING) {
        assertThat(runningIds).as("container of " + d.name()).contains(d.id().value());
      }
    }
    assertThat(stag.runtime.list().stream().map(ManagedContainer::id).collect(Collectors.toSet()))
        .as("containers").isSubsetOf(databases.stream().map(Database::id).collect(Collectors.toSet()));
    assertThat(stag.volumeSnapshots().stream().filter(v -> !v.endsWith("@" + Provisioning.RECYCLE_POINT))
        .collect(Collectors.toSet())).as("snapshots")
        .isEqualTo(stag.catalog.snapshots().stream().map(s -> s.volume() + "@" + s.id()).collect(Collectors.toSet()));
    assertThat(databases.stream().map(Database::port).distinct().count()).as("ports").isEqualTo(databases.size());
    assertThat(stag.runtime.openQuiesces()).as("quiesced engines").isZero();
  }

  /**
   * Runs {@code setup} then {@code operation} once to count its port calls, then again for each
   * call with that call failing; {@code check} judges each failed run.
   */
  void breakEveryStep(Consumer<InMemoryStagDb> setup, Consumer<InMemoryStagDb> operation, FailureCheck check) {
    InMemoryStagDb probe = new InMemoryStagDb(dir.resolve("probe"));
    setup.accept(probe);
    probe.faults.failOnAnyCall(Integer.MAX_VALUE);
    operation.accept(probe);
    int steps = probe.faults.totalCalls();
    List<String> calls = probe.faults.log();
    assertThat(steps).isGreaterThanOrEqualTo(3);

    for (int step = 1; step <= steps; step++) {
      InMemoryStagDb stag = new InMemoryStagDb(dir.resolve("step-" + step));
      setup.accept(stag);
      World before = world(stag);
      stag.faults.failOnAnyCall(step);
      RuntimeException failure = null;
      try {
        operation.accept(stag);
      } catch (RuntimeException e) {
        failure = e;
      }
      stag.faults.reset();
      check.judge(stag, before, failure, "failing call " + step + " of " + steps + " (" + calls.get(step - 1) + ")");
    }
  }

  interface FailureCheck {
    void judge(InMemoryStagDb stag, World before, RuntimeException failure, String where);
  }

  /** An operation that fails must leave the world exactly as it was; one that succeeds must leave it consistent. */
  static final FailureCheck UNDONE_OR_DONE = (stag, before, failure, where) -> {
    if (failure != null) {
      assertThat(failure.getMessage()).as(where).contains("injected");
      assertThat(world(stag)).as(where).isEqualTo(before);
    } else {
      stag.reconciler(true).reconcile(false);
      assertConsistent(stag);
    }
  };

  static Database createPg(InMemoryStagDb stag, String name) {
    return stag.service.create(CreateDatabase.of(DatabaseName.of(name), EngineVersion.parse("pg", "15")));
  }

  static void sourceWithSnapshot(InMemoryStagDb stag) {
    Database db = createPg(stag, "source");
    try {
      Files.writeString(stag.volumes.mountPath(db.volume()).resolve("row.txt"), "v1");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    stag.service.snapshot(db.name(), SnapshotName.of("base"));
  }

  @Test
  void create() {
    breakEveryStep(stag -> createPg(stag, "existing"), stag -> createPg(stag, "fresh"), UNDONE_OR_DONE);
  }

  @Test
  void createWithInitScripts() {
    breakEveryStep(stag -> { }, stag -> stag.service.create(new CreateDatabase(DatabaseName.of("scripted"),
        EngineVersion.parse("pg", "15"), null, null, null, List.of("CREATE TABLE t (x int)"), null, null, null)),
        UNDONE_OR_DONE);
  }

  @Test
  void snapshot() {
    breakEveryStep(stag -> createPg(stag, "db"), stag -> stag.service.snapshot(DatabaseName.of("db"),
        SnapshotName.of("snap")), UNDONE_OR_DONE);
  }

  @Test
  void branchFromSnapshot() {
    breakEveryStep(CompensationTest::sourceWithSnapshot, stag -> stag.service.branchFromSnapshot(SnapshotName.of("base"),
        CreateBranch.named(DatabaseName.of("branch"))), UNDONE_OR_DONE);
  }

  @Test
  void branchFromDatabase() {
    breakEveryStep(stag -> createPg(stag, "source"), stag -> stag.service.branchFromDatabase(DatabaseName.of("source"),
        CreateBranch.named(DatabaseName.of("branch"))), UNDONE_OR_DONE);
  }

  @Test
  void reset() {
    breakEveryStep(stag -> {
      sourceWithSnapshot(stag);
      stag.service.branchFromSnapshot(SnapshotName.of("base"), CreateBranch.named(DatabaseName.of("branch")));
    }, stag -> stag.service.reset(DatabaseName.of("branch"), null), (stag, before, failure, where) -> {
      UNDONE_OR_DONE.judge(stag, before, failure, where);
      Database branch = stag.service.get(DatabaseName.of("branch"));
      assertThat(stag.volumes.mountPath(branch.volume()).resolve("row.txt")).as(where).hasContent("v1");
      stag.runtime.awaitReady(branch.id(), branch.credentials(), java.time.Duration.ofSeconds(1));
    });
  }

  @Test
  void recycle() {
    breakEveryStep(stag -> {
      sourceWithSnapshot(stag);
      Database b = stag.service.branchFromSnapshot(SnapshotName.of("base"),
          CreateBranch.named(DatabaseName.of("pooled")).asRecyclable());
      try {
        Files.writeString(stag.volumes.mountPath(b.volume()).resolve("row.txt"), "dirty");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      stag.service.awaitBackgroundWork(java.time.Duration.ofSeconds(10));   // its spare made
    }, stag -> {
      stag.service.recycle(DatabaseName.of("pooled"));
      stag.service.awaitBackgroundWork(java.time.Duration.ofSeconds(10));   // the next spare made
    }, (stag, before, failure, where) -> {
      Database branch = stag.service.get(DatabaseName.of("pooled"));
      if (failure == null) {
        assertThat(branch.status()).as(where).isEqualTo(DatabaseStatus.RUNNING);
        assertThat(stag.volumes.mountPath(branch.volume()).resolve("row.txt")).as(where).hasContent("v1");
        stag.runtime.awaitReady(branch.id(), branch.credentials(), java.time.Duration.ofSeconds(1));
      } else {
        // a recycle cannot be undone (its point is to throw changes away): the branch says it failed,
        // nothing leaks, and a start or a delete takes it from there
        assertThat(failure.getMessage()).as(where).contains("injected");
        assertThat(branch.status()).as(where).isIn(DatabaseStatus.FAILED, DatabaseStatus.RUNNING);
        assertThat(world(stag).volumes()).as(where).isEqualTo(before.volumes());
        stag.service.delete(branch.name(), false);
        stag.reconciler(true).reconcile(false);
        assertConsistent(stag);
      }
    });
  }

  @Test
  void deleteIsFinishedByTheReconciler() {
    breakEveryStep(stag -> {
      createPg(stag, "source");
      stag.service.branchFromDatabase(DatabaseName.of("source"), CreateBranch.named(DatabaseName.of("branch")));
    }, stag -> stag.service.delete(DatabaseName.of("source"), true), (stag, before, failure, where) -> {
      stag.reconciler(true).reconcile(false);
      assertConsistent(stag);
      if (failure == null) {
        assertThat(stag.catalog.databases()).as(where).isEmpty();
      }
    });
  }

  @Test
  void deleteSnapshotWithCascade() {
    breakEveryStep(stag -> {
      sourceWithSnapshot(stag);
      stag.service.branchFromSnapshot(SnapshotName.of("base"), CreateBranch.named(DatabaseName.of("branch")));
    }, stag -> stag.service.deleteSnapshot(SnapshotName.of("base"), true), (stag, before, failure, where) -> {
      stag.reconciler(true).reconcile(false);
      assertConsistent(stag);
      assertThat(stag.catalog.findDatabase(DatabaseName.of("source"))).as(where).isPresent();
      if (failure == null) {
        assertThat(stag.catalog.snapshots()).as(where).extracting(Snapshot::name).isEmpty();
      }
    });
  }

  @Test
  void aFailedUndoStepIsReportedAlongsideTheCauseAndLeavesARecordForTheReconciler() {
    InMemoryStagDb stag = new InMemoryStagDb(dir);
    stag.faults.failOnCall("runtime.awaitReady", 1).failOnCall("runtime.remove", 1);
    assertThatThrownBy(() -> createPg(stag, "stuck")).satisfies(e -> {
      assertThat(e.getMessage()).contains("runtime.awaitReady");
      assertThat(e.getSuppressed()).extracting(Throwable::getMessage).anyMatch(m -> m.contains("runtime.remove"));
    });
    // the undo steps after the failed one still ran (no volume), and the record stays, DELETING,
    // so the container the failed step left is not forgotten
    assertThat(stag.volumeNames()).isEmpty();
    assertThat(stag.catalog.databases()).extracting(Database::status).containsExactly(DatabaseStatus.DELETING);
    assertThat(stag.reconciler(false).reconcile(false).actions())
        .extracting(ReconcileReport.Action::kind).containsExactly(ReconcileReport.Kind.FINISH_DELETE);
    assertThat(stag.catalog.databases()).isEmpty();
    assertThat(stag.runtime.list()).isEmpty();
  }

  @Test
  void aVolumeTheStoreHalfMadeIsUndone() {
    InMemoryStagDb stag = new InMemoryStagDb(dir);
    sourceWithSnapshot(stag);
    World before = world(stag);
    // the clone is made, then the store fails (as a mount that fails after zfs clone would)
    stag.volumes.failAfterNextClone();
    assertThatThrownBy(() -> stag.service.branchFromSnapshot(SnapshotName.of("base"),
        CreateBranch.named(DatabaseName.of("branch")))).hasMessageContaining("after the clone");
    assertThat(world(stag)).isEqualTo(before);
  }

}
