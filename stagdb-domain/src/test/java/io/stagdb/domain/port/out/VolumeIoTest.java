package io.stagdb.domain.port.out;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.InfrastructureException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VolumeIoTest {
  @Test
  void aCallThatNeverReturnsFailsAtTheDeadlineWithAClearError() {
    CountDownLatch never = new CountDownLatch(1);
    long started = System.nanoTime();
    assertThatThrownBy(() -> VolumeIo.within(Duration.ofMillis(300), "preparing /v/db-1", () -> never.await(1, TimeUnit.HOURS)))
        .isInstanceOf(InfrastructureException.class)
        .hasMessageContaining("did not answer within 300 ms while preparing /v/db-1")
        .hasMessageContaining("wedged");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(300), Duration.ofSeconds(5));
  }

  @Test
  void resultsAndFailuresOfTheWorkPassThrough() {
    assertThat(VolumeIo.within("reading", () -> 42)).isEqualTo(42);
    assertThatThrownBy(() -> VolumeIo.within("reading", () -> {
      throw new InfrastructureException("volume directory /v does not exist");
    })).isInstanceOf(InfrastructureException.class).hasMessage("volume directory /v does not exist");
    assertThatThrownBy(() -> VolumeIo.within("reading", () -> {
      throw new IOException("Transport endpoint is not connected");
    })).isInstanceOf(InfrastructureException.class).hasMessage("reading: Transport endpoint is not connected");
  }

  @Test
  void fileAccessWaitsForATransitionToEndAndItsFirstRequest() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    java.util.List<String> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    Thread mounting = holdTransition("mounting /v/db-2", release, order, "mounted", () -> order.add("first request"));
    Thread reading = new Thread(() -> VolumeIo.within("reading /v/db-1", () -> order.add("read")));
    reading.start();
    Thread.sleep(200);
    assertThat(order).as("the read waits while the file system changes").isEmpty();
    release.countDown();
    mounting.join(10_000);
    reading.join(10_000);
    assertThat(order).containsExactly("mounted", "first request", "read");
  }

  @Test
  void aRequestSomeoneWaitsForGoesBeforeBackgroundTransitionsThatWereWaitingFirst() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    java.util.List<String> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    Thread running = holdTransition("cloning /v/db-3", release, order, "clone", null);
    java.util.List<Thread> destroys = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int n = i;
      Thread destroy = new Thread(() -> VolumeIo.inBackground(() -> VolumeIo.transition("destroying /v/old-" + n, () -> {
        order.add("destroy");
        return null;
      }, null)));
      destroy.start();
      destroys.add(destroy);
    }
    Thread.sleep(100);   // the destroys were waiting first
    Thread rollback = new Thread(() -> VolumeIo.transition("rolling back /v/db-4", () -> {
      order.add("rollback");
      return null;
    }, null));
    rollback.start();
    Thread.sleep(100);
    release.countDown();
    running.join(10_000);
    rollback.join(10_000);
    for (Thread destroy : destroys) {
      destroy.join(10_000);
    }
    assertThat(order).containsExactly("clone", "rollback", "destroy", "destroy", "destroy");
  }

  /** A thread inside a transition until {@code release}, which then adds {@code done} to {@code order}; returned once it is inside. */
  private static Thread holdTransition(String what, CountDownLatch release, java.util.List<String> order, String done,
                                       java.util.concurrent.Callable<?> settle) throws InterruptedException {
    CountDownLatch inside = new CountDownLatch(1);
    Thread holder = new Thread(() -> VolumeIo.transition(what, () -> {
      inside.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      order.add(done);
      return null;
    }, settle));
    holder.start();
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    return holder;
  }
}
