package io.stagdb.domain.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.model.SnapshotName;
import io.stagdb.domain.port.in.CreateBranch;
import io.stagdb.domain.port.in.CreateDatabase;
import io.stagdb.domain.port.in.DatabaseFilter;
import io.stagdb.domain.testkit.InMemoryStagDb;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrencyTest {
  @TempDir
  Path dir;

  /** Starts every task at once on its own thread and collects the outcomes (result or exception). */
  static <T> List<Object> race(List<Callable<T>> tasks) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(pool.submit(() -> {
          go.await();
          return task.call();
        }));
      }
      go.countDown();
      List<Object> outcomes = new ArrayList<>();
      for (Future<T> f : futures) {
        try {
          outcomes.add(f.get());
        } catch (java.util.concurrent.ExecutionException e) {
          outcomes.add(e.getCause());
        }
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void fiftyParallelBranchesFromOneSnapshotAllGetDistinctPorts() throws Exception {
    InMemoryStagDb stag = new InMemoryStagDb(dir);
    Database source = stag.service.create(CreateDatabase.of(DatabaseName.of("source"), EngineVersion.parse("pg", "15")));
    stag.service.snapshot(source.name(), SnapshotName.of("base"));
    List<Callable<Database>> tasks = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      DatabaseName name = DatabaseName.of("branch-" + i);
      tasks.add(() -> stag.service.branchFromSnapshot(SnapshotName.of("base"), CreateBranch.named(name)));
    }
    List<Object> outcomes = race(tasks);
    assertThat(outcomes).allMatch(o -> o instanceof Database);
    List<Database> all = stag.service.list(DatabaseFilter.ALL);
    assertThat(all).hasSize(51);
    assertThat(all.stream().map(Database::port).distinct()).hasSize(51);
    assertThat(stag.volumeNames()).hasSize(51);
    CompensationTest.assertConsistent(stag);
  }

  @Test
  void twoCreatesOfOneNameExactlyOneWins() throws Exception {
    for (int round = 0; round < 20; round++) {
      InMemoryStagDb stag = new InMemoryStagDb(dir.resolve("round-" + round));
      Callable<Database> create = () -> stag.service.create(
          CreateDatabase.of(DatabaseName.of("contested"), EngineVersion.parse("pg", "15")));
      List<Object> outcomes = race(List.of(create, create));
      assertThat(outcomes).filteredOn(o -> o instanceof Database).hasSize(1);
      assertThat(outcomes).filteredOn(o -> o instanceof ConflictException).hasSize(1);
      assertThat(stag.volumeNames()).hasSize(1);
      CompensationTest.assertConsistent(stag);
    }
  }

  @Test
  void parallelBranchesWithFailuresFailCleanly() throws Exception {
    InMemoryStagDb stag = new InMemoryStagDb(dir);
    Database source = stag.service.create(CreateDatabase.of(DatabaseName.of("source"), EngineVersion.parse("pg", "15")));
    stag.service.snapshot(source.name(), SnapshotName.of("base"));
    stag.faults.failOnCall("runtime.awaitReady", 7).failOnCall("volumes.clone", 13);
    List<Callable<Database>> tasks = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      DatabaseName name = DatabaseName.of("branch-" + i);
      tasks.add(() -> stag.service.branchFromSnapshot(SnapshotName.of("base"), CreateBranch.named(name)));
    }
    List<Object> outcomes = race(tasks);
    assertThat(outcomes).filteredOn(o -> o instanceof Database).hasSize(28);
    assertThat(stag.service.list(DatabaseFilter.ALL)).hasSize(29);
    CompensationTest.assertConsistent(stag);
  }

  @Test
  void branchesFromOneSnapshotAreMadeTogetherNotOneAfterTheOther() throws Exception {
    InMemoryStagDb stag = new InMemoryStagDb(dir);
    Database source = stag.service.create(CreateDatabase.of(DatabaseName.of("source"), EngineVersion.parse("pg", "15")));
    stag.service.snapshot(source.name(), SnapshotName.of("base"));
    io.stagdb.domain.testkit.Faults.Pause held = stag.faults.pauseOnCall("runtime.awaitReady", 1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Database> slow = pool.submit(() -> stag.service.branchFromSnapshot(SnapshotName.of("base"),
          CreateBranch.named(DatabaseName.of("slow"))));
      assertThat(held.awaitReached(10)).isTrue();
      // the first branch waits for its engine, holding the snapshot shared: a second one is not held up
      Database quick = pool.submit(() -> stag.service.branchFromSnapshot(SnapshotName.of("base"),
          CreateBranch.named(DatabaseName.of("quick")))).get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(quick.status()).isEqualTo(io.stagdb.domain.model.DatabaseStatus.RUNNING);
      held.release();
      assertThat(slow.get(10, java.util.concurrent.TimeUnit.SECONDS).status())
          .isEqualTo(io.stagdb.domain.model.DatabaseStatus.RUNNING);
    } finally {
      held.release();
      pool.shutdownNow();
    }
    CompensationTest.assertConsistent(stag);
  }

  @Test
  void anOperationOnANameAnotherHoldsAnswersBusyWithinTheBound() throws Exception {
    InMemoryStagDb stag = new InMemoryStagDb(dir, StagDbSettings.defaults().withLockWait(java.time.Duration.ofMillis(300)));
    Database source = stag.service.create(CreateDatabase.of(DatabaseName.of("source"), EngineVersion.parse("pg", "15")));
    io.stagdb.domain.testkit.Faults.Pause held = stag.faults.pauseOnCall("runtime.stop", 1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Database> stopping = pool.submit(() -> stag.service.stop(source.name()));
      assertThat(held.awaitReached(10)).isTrue();
      long started = System.nanoTime();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> stag.service.snapshot(source.name(), SnapshotName.of("s")))
          .isInstanceOfSatisfying(ConflictException.class,
              e -> assertThat(e.reason()).isEqualTo(ConflictException.Reason.BUSY))
          .hasMessageContaining("database 'source' is busy");
      assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(3));
      held.release();
      stopping.get(10, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      held.release();
      pool.shutdownNow();
    }
    assertThat(stag.catalog.snapshots()).isEmpty();
  }

  @Test
  void backgroundDeletesOfATreeFinishAndAKilledServersAreFinishedByTheReconciler() throws Exception {
    InMemoryStagDb stag = new InMemoryStagDb(dir);
    Database source = stag.service.create(CreateDatabase.of(DatabaseName.of("source"), EngineVersion.parse("pg", "15")));
    Database branch = stag.service.branchFromDatabase(source.name(), CreateBranch.named(DatabaseName.of("branch")));
    stag.service.branchFromDatabase(branch.name(), CreateBranch.named(DatabaseName.of("grandchild")));
    Database deleting = stag.service.deleteInBackground(source.name(), true);
    assertThat(deleting.status()).isEqualTo(io.stagdb.domain.model.DatabaseStatus.DELETING);
    assertThat(stag.service.awaitBackgroundWork(java.time.Duration.ofSeconds(10))).isTrue();
    assertThat(stag.catalog.databases()).isEmpty();
    CompensationTest.assertConsistent(stag);

    // marked, then the server died before the background work ran: the next start finishes it
    InMemoryStagDb crashed = new InMemoryStagDb(dir.resolve("crashed"));
    Database doomed = crashed.service.create(CreateDatabase.of(DatabaseName.of("doomed"), EngineVersion.parse("pg", "15")));
    crashed.faults.failOnCall("runtime.remove", 1);   // the background step fails: as if it never ran
    crashed.service.deleteInBackground(doomed.name(), false);
    assertThat(crashed.service.awaitBackgroundWork(java.time.Duration.ofSeconds(10))).isTrue();
    assertThat(crashed.service.get(doomed.name()).status()).isEqualTo(io.stagdb.domain.model.DatabaseStatus.DELETING);
    assertThat(crashed.reconciler(false).reconcile(false).actions()).extracting(ReconcileReport.Action::kind)
        .containsExactly(ReconcileReport.Kind.FINISH_DELETE);
    assertThat(crashed.catalog.databases()).isEmpty();
    CompensationTest.assertConsistent(crashed);
  }

  @Test
  void aCreateInTheBackgroundThatFailsLeavesAFailedRecordWithItsReasonAndNothingElse() {
    InMemoryStagDb stag = new InMemoryStagDb(dir);
    stag.faults.failOnCall("runtime.awaitReady", 1);
    Database creating = stag.service.createInBackground(CreateDatabase.of(DatabaseName.of("later"),
        EngineVersion.parse("pg", "15")));
    assertThat(creating.status()).isEqualTo(io.stagdb.domain.model.DatabaseStatus.CREATING);
    assertThat(stag.service.awaitBackgroundWork(java.time.Duration.ofSeconds(10))).isTrue();
    Database failed = stag.service.get(DatabaseName.of("later"));
    assertThat(failed.status()).isEqualTo(io.stagdb.domain.model.DatabaseStatus.FAILED);
    assertThat(failed.statusDetail()).startsWith("create failed:").contains("injected");
    assertThat(stag.volumeNames()).isEmpty();
    assertThat(stag.runtime.list()).isEmpty();
    stag.service.delete(failed.name(), false);
    assertThat(stag.catalog.databases()).isEmpty();
  }

  @Test
  void theTtlCapHoldsForEmbeddersToo() {
    InMemoryStagDb stag = new InMemoryStagDb(dir);
    Database source = stag.service.create(CreateDatabase.of(DatabaseName.of("source"), EngineVersion.parse("pg", "15")));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> stag.service.branchFromDatabase(source.name(),
            new CreateBranch(DatabaseName.of("forever"), null, null, java.time.Duration.ofDays(31), null)))
        .isInstanceOfSatisfying(io.stagdb.domain.error.InvalidRequestException.class,
            e -> assertThat(e.field()).isEqualTo("ttl"))
        .hasMessageContaining("at most 30d");
    assertThat(stag.catalog.databases()).hasSize(1);
  }
}
