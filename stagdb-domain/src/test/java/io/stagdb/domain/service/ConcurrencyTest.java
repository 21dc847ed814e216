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
}
