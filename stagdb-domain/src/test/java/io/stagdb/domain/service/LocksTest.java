package io.stagdb.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.ConflictException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LocksTest {
  private final Locks locks = new Locks(Duration.ofMillis(200));

  @Test
  void aNestedTakeIsRefusedAtOnceInsteadOfWaiting() {
    assertThatThrownBy(() -> locks.with(Map.of("a", Locks.Mode.EXCLUSIVE),
        () -> locks.with(Map.of("b", Locks.Mode.EXCLUSIVE), () -> "never")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("takes its names once, all together");
    assertThat(locks.size()).isZero();
    assertThat(locks.with(Map.of("b", Locks.Mode.EXCLUSIVE), () -> "fine after")).isEqualTo("fine after");
  }

  @Test
  void aBusyNameIsAnsweredWithinTheBoundAndReleasesWhatWasTaken() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    try {
      Future<?> holder = pool.submit(() -> locks.with(Map.of("database 'x'", Locks.Mode.EXCLUSIVE), () -> {
        holding.countDown();
        await(done);
        return null;
      }));
      holding.await();
      long started = System.nanoTime();
      assertThatThrownBy(() -> locks.with(Map.of("a-first", Locks.Mode.EXCLUSIVE, "database 'x'", Locks.Mode.SHARED),
          () -> "never"))
          .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.reason()).isEqualTo(ConflictException.Reason.BUSY))
          .hasMessageContaining("database 'x' is busy with another operation");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(150), Duration.ofSeconds(2));
      assertThat(locks.with(Map.of("a-first", Locks.Mode.EXCLUSIVE), () -> "a-first was let go")).isNotNull();
      done.countDown();
      holder.get(5, TimeUnit.SECONDS);
    } finally {
      done.countDown();
      pool.shutdownNow();
    }
    assertThat(locks.size()).isZero();
  }

  @Test
  void sharedHoldersRunTogetherAndAnExclusiveOneWaitsForThem() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch both = new CountDownLatch(2);
    try {
      Future<Boolean> a = pool.submit(() -> locks.with(Map.of("snapshot 's'", Locks.Mode.SHARED), () -> {
        both.countDown();
        return await(both);
      }));
      Future<Boolean> b = pool.submit(() -> locks.with(Map.of("snapshot 's'", Locks.Mode.SHARED), () -> {
        both.countDown();
        return await(both);
      }));
      assertThat(a.get(5, TimeUnit.SECONDS)).isTrue();
      assertThat(b.get(5, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  private static boolean await(CountDownLatch latch) {
    try {
      return latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
