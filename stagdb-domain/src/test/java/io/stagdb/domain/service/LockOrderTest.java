package io.stagdb.domain.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.model.SnapshotName;
import io.stagdb.domain.port.in.CreateBranch;
import io.stagdb.domain.testkit.Faults;
import io.stagdb.domain.testkit.InMemoryStagDb;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forces, with in-memory ports, the interleaving that deadlocked the server: a delete of a branch
 * and a cascading delete of its automatic snapshot at the same moment. Each must be answered.
 */
class LockOrderTest {
  @TempDir
  Path dir;

  @Test
  void deletingABranchAndCascadingItsAutomaticSnapshotAtOnceBothFinish() throws Exception {
    InMemoryStagDb stag = new InMemoryStagDb(dir);
    CompensationTest.createPg(stag, "pg16");
    Database branch = stag.service.branchFromDatabase(DatabaseName.of("pg16"),
        CreateBranch.named(DatabaseName.of("dl-branch")));
    Snapshot automatic = stag.catalog.findSnapshot(branch.origin()).orElseThrow();
    assertThat(automatic.automatic()).isTrue();

    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      // 1. the branch's delete is held half-way, inside the work on the branch's container
      Faults.Pause held = stag.faults.pauseOnCall("runtime.remove", 1);
      Future<?> deleteBranch = threads.submit(() -> stag.service.delete(branch.name(), false));
      assertThat(held.awaitReached(10)).as("the branch's delete reached the container").isTrue();

      // 2. the cascade starts and waits for a name the held delete has
      Thread[] cascader = new Thread[1];
      Future<?> cascade = threads.submit(() -> {
        cascader[0] = Thread.currentThread();
        try {
          stag.service.deleteSnapshot(automatic.name(), true);
        } catch (NotFoundException goneWithItsLastBranch) {
          // the branch's delete took its automatic snapshot along: nothing left to cascade
        }
      });
      awaitWaiting(() -> cascader[0]);

      // 3. the held delete goes on; neither may now wait for the other
      held.release();
      finishes(deleteBranch, "DELETE /v1/databases/dl-branch");
      finishes(cascade, "DELETE /v1/snapshots/" + automatic.name() + "?cascade=true");
    } finally {
      threads.shutdownNow();
    }
    assertThat(stag.catalog.findDatabase(DatabaseName.of("dl-branch"))).isEmpty();
    assertThat(stag.catalog.findSnapshot(automatic.name())).isEmpty();
    assertThat(stag.catalog.findDatabase(DatabaseName.of("pg16"))).isPresent();
    CompensationTest.assertConsistent(stag);
  }

  private static void finishes(Future<?> operation, String what) throws Exception {
    try {
      operation.get(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(what + " had no answer after 10 s: the two operations wait for each other", e);
    }
  }

  /** Waits until the thread is parked (waiting for a lock): the interleaving is then in place. */
  private static void awaitWaiting(java.util.function.Supplier<Thread> thread) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      Thread t = thread.get();
      if (t != null && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING)) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("the cascade never started waiting");
  }
}
