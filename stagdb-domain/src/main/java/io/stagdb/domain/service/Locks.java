package io.stagdb.domain.service;

import io.stagdb.domain.error.ConflictException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The names that operations work on, held while they run. An operation names every key it needs
 * and takes them in one call, in a fixed order, each within a bound: it cannot wait for a key
 * while holding another that a waiter holds, and it never waits forever. A call made while the
 * thread already holds keys is refused at once, so a flow cannot nest locking even by mistake.
 *
 * <p>Keys are shared (several operations may read the name: branching from a snapshot) or
 * exclusive (one operation changes it: deleting that snapshot).
 */
final class Locks {
  /** How an operation holds a name. */
  enum Mode { SHARED, EXCLUSIVE }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final ThreadLocal<Boolean> holding = new ThreadLocal<>();
  private final Duration wait;

  private static final class Entry {
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);
    int users;
  }

  Locks(Duration wait) {
    this.wait = wait;
  }

  /** Keys to take: a database's name. */
  static String database(Object name) {
    return "database '" + name + "'";
  }

  /** Keys to take: a snapshot's name. */
  static String snapshot(Object name) {
    return "snapshot '" + name + "'";
  }

  /**
   * Runs {@code work} holding every key of {@code keys}; answers {@code busy} when one is not
   * free within the bound. An exclusive request of a key wins over a shared one.
   */
  <T> T with(Map<String, Mode> keys, Supplier<T> work) {
    return with(keys, wait, work);
  }

  /** {@link #with(Map, Supplier)} waiting at most {@code bound} for the keys ({@code ZERO}: only when they are free now). */
  <T> T with(Map<String, Mode> keys, Duration bound, Supplier<T> work) {
    if (Boolean.TRUE.equals(holding.get())) {
      throw new IllegalStateException("an operation takes its names once, all together; this thread already holds"
          + " some and asked for " + keys.keySet());
    }
    TreeMap<String, Mode> sorted = new TreeMap<>(keys);
    Lock[] held = new Lock[sorted.size()];
    String[] names = new String[sorted.size()];
    int count = 0;
    long deadline = System.nanoTime() + bound.toNanos();
    try {
      for (Map.Entry<String, Mode> key : sorted.entrySet()) {
        Entry entry = enter(key.getKey());
        Lock lock = key.getValue() == Mode.SHARED ? entry.lock.readLock() : entry.lock.writeLock();
        boolean taken;
        try {
          taken = lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          leave(key.getKey());
          throw new ConflictException(ConflictException.Reason.BUSY, "interrupted while waiting for " + key.getKey());
        }
        if (!taken) {
          leave(key.getKey());
          throw new ConflictException(ConflictException.Reason.BUSY, key.getKey() + " is busy with another operation"
              + " (waited " + bound.toMillis() + " ms); try again when it has finished");
        }
        held[count] = lock;
        names[count] = key.getKey();
        count++;
      }
      holding.set(Boolean.TRUE);
      return work.get();
    } finally {
      holding.remove();
      for (int i = count - 1; i >= 0; i--) {
        held[i].unlock();
        leave(names[i]);
      }
    }
  }

  private Entry enter(String key) {
    return entries.compute(key, (k, e) -> {
      Entry result = e == null ? new Entry() : e;
      result.users++;
      return result;
    });
  }

  private void leave(String key) {
    entries.computeIfPresent(key, (k, e) -> --e.users == 0 ? null : e);
  }

  /** Keys held or waited for now; for tests. */
  int size() {
    return entries.size();
  }
}
