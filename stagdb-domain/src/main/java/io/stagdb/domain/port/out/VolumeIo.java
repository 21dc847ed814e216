package io.stagdb.domain.port.out;

import io.stagdb.domain.error.InfrastructureException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * How this process touches volumes, for the adapters that do.
 *
 * <p><b>Transitions exclude file access.</b> A volume's file system changes under it when it is
 * created, cloned, mounted, rolled back or destroyed ({@link #transition}); this process reads or
 * writes files in volumes ({@link #within}: the engine's directory, the halt markers). zfs-fuse
 * deadlocked, every request to a file system blocked for good, when one of those requests met a
 * transition: a halt-marker check meeting an unmount, a new clone's first look meeting the next
 * clone (seen several times in a few dozen runs of the JUnit ITs). So transitions take turns, and
 * file access waits for them, in this JVM. Kernel ZFS does not need it; it costs it little (a
 * transition takes milliseconds there).
 *
 * <p><b>Requests someone waits for go first.</b> Work stagDB finishes after it has answered (a
 * deletion, a recycle for the pool: {@link #inBackground}) does not queue for a transition; it takes
 * one only when no other thread is waiting for one, so a branch, reset or recycle a test is waiting
 * for never waits behind a queue of background destroys, only behind the transition that is running.
 * It still takes its turn within a bound: after {@code TURN} of yielding it queues like the others.
 *
 * <p><b>File access has a deadline.</b> A wedged file system blocks a system call on it for good, and
 * a thread in such a call cannot be interrupted; the call runs on a thread of its own, so the
 * operation fails with a clear error (and undoes what it did) instead of waiting forever.
 */
public final class VolumeIo {
  public static final Duration DEADLINE = Duration.ofSeconds(30);
  /** How long a transition or a file access waits for the others: a few slow zfs-fuse commands in a row. */
  private static final Duration TURN = Duration.ofMinutes(2);

  private static final ReentrantReadWriteLock TRANSITIONS = new ReentrantReadWriteLock(true);
  private static final ThreadLocal<Boolean> BACKGROUND = ThreadLocal.withInitial(() -> false);
  /** Threads of requests someone waits for that are waiting for a transition of their own. */
  private static final AtomicInteger WAITING = new AtomicInteger();
  private static final long YIELD_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
  private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "stagdb-volume-io");
    t.setDaemon(true);
    return t;
  });

  private VolumeIo() {
  }

  /**
   * Runs {@code change} (a zfs command that mounts, unmounts or replaces a file system) when no
   * other transition and no file access runs, then {@code settle} (a first request to the new
   * mount, or {@code null}) before the next one may start.
   */
  public static <T> T transition(String what, Supplier<T> change, Callable<?> settle) {
    Lock lock = TRANSITIONS.writeLock();
    if (BACKGROUND.get()) {
      takeWhenNobodyWaits(lock, what);
    } else {
      WAITING.incrementAndGet();
      try {
        take(lock, what);
      } finally {
        WAITING.decrementAndGet();
      }
    }
    try {
      T result = change.get();
      if (settle != null) {
        run(DEADLINE, what, settle);
      }
      return result;
    } finally {
      lock.unlock();
    }
  }

  /** {@code work}'s result, run between transitions, or an {@link InfrastructureException} once {@link #DEADLINE} has passed. */
  public static <T> T within(String what, Callable<T> work) {
    return within(DEADLINE, what, work);
  }

  public static <T> T within(Duration deadline, String what, Callable<T> work) {
    if (TRANSITIONS.isWriteLockedByCurrentThread()) {
      return run(deadline, what, work);
    }
    Lock lock = TRANSITIONS.readLock();
    take(lock, what);
    try {
      return run(deadline, what, work);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs {@code work}, which someone waits for and which leans on the volumes without a transition
   * (an engine starting on one): background transitions hold back meanwhile, as for a transition
   * someone waits for.
   */
  public static <T> T awaited(Supplier<T> work) {
    if (BACKGROUND.get()) {
      return work.get();
    }
    WAITING.incrementAndGet();
    try {
      return work.get();
    } finally {
      WAITING.decrementAndGet();
    }
  }

  /** Runs {@code work} on this thread as background work: its transitions let waiting requests go first. */
  public static void inBackground(Runnable work) {
    boolean was = BACKGROUND.get();
    BACKGROUND.set(true);
    try {
      work.run();
    } finally {
      BACKGROUND.set(was);
    }
  }

  private static void takeWhenNobodyWaits(Lock lock, String what) {
    long deadline = System.nanoTime() + TURN.toNanos();
    while (System.nanoTime() < deadline) {
      if (WAITING.get() == 0 && lock.tryLock()) {   // tryLock() does not queue: it takes a free lock or nothing
        return;
      }
      LockSupport.parkNanos(YIELD_NANOS);
      if (Thread.currentThread().isInterrupted()) {
        throw new InfrastructureException("interrupted while " + what);
      }
    }
    take(lock, what);   // yielded long enough: queue like the others
  }

  private static void take(Lock lock, String what) {
    try {
      if (!lock.tryLock(TURN.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new InfrastructureException("ZFS was still changing other volumes after " + TURN.toMinutes() + " min while "
            + what + "; is the ZFS daemon wedged?");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InfrastructureException("interrupted while " + what, e);
    }
  }

  private static <T> T run(Duration deadline, String what, Callable<T> work) {
    Future<T> call = THREADS.submit(work);
    try {
      return call.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new InfrastructureException("the file system of the volume did not answer within "
          + (deadline.toMillis() % 1000 == 0 ? deadline.toSeconds() + " s" : deadline.toMillis() + " ms") + " while "
          + what + "; is the ZFS daemon wedged?", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new InfrastructureException(what + ": " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      call.cancel(true);
      throw new InfrastructureException("interrupted while " + what, e);
    }
  }
}
