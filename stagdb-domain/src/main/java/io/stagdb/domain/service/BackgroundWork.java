package io.stagdb.domain.service;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.port.out.VolumeIo;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The work stagDB finishes after it has answered: creations asked for without waiting, deletions.
 * A fixed number of threads and a bounded queue: when it is full, new work is refused as busy
 * rather than piling up; what is refused or lost in a crash is durable in the catalog (a creating
 * or deleting record) and finished by the reconciler.
 */
final class BackgroundWork implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(BackgroundWork.class.getName());

  private final ThreadPoolExecutor executor;
  private final AtomicInteger running = new AtomicInteger();

  BackgroundWork(int threads, int queue) {
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), r -> {
      Thread t = new Thread(r, "stagdb-background-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    executor.allowCoreThreadTimeOut(true);
  }

  /** Queues {@code work}; busy when the queue is full. Failures are logged: the catalog keeps what is left to do. */
  void submit(String what, Runnable work) {
    running.incrementAndGet();
    try {
      executor.execute(() -> {
        try {
          VolumeIo.inBackground(work);   // someone waiting for an answer goes first on the volumes
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "background work failed (" + what + "): " + e.getMessage());
        } finally {
          running.decrementAndGet();
        }
      });
    } catch (RejectedExecutionException e) {
      running.decrementAndGet();
      throw new ConflictException(ConflictException.Reason.BUSY, "too much work is queued to " + what
          + " now; try again in a moment");
    }
  }

  /** Waits until no work is queued or running; false when some still is after {@code timeout}. */
  boolean awaitIdle(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (running.get() > 0) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Work queued or running now. */
  int pending() {
    return running.get();
  }

  /** Stops taking work and lets what runs finish for a while; the catalog keeps the rest. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
  }
}
