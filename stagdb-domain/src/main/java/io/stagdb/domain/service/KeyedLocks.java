package io.stagdb.domain.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Serialises operations on the same names while letting different names run in parallel.
 * Several keys are always taken in sorted order, so two operations cannot deadlock.
 */
final class KeyedLocks {
  private final Map<String, Entry> locks = new ConcurrentHashMap<>();

  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock();
    int users;
  }

  <T> T with(List<String> keys, Supplier<T> work) {
    List<String> sorted = new ArrayList<>(new TreeSet<>(keys));
    List<String> held = new ArrayList<>();
    try {
      for (String key : sorted) {
        acquire(key);
        held.add(key);
      }
      return work.get();
    } finally {
      for (int i = held.size() - 1; i >= 0; i--) {
        release(held.get(i));
      }
    }
  }

  private void acquire(String key) {
    Entry entry = locks.compute(key, (k, e) -> {
      Entry result = e == null ? new Entry() : e;
      result.users++;
      return result;
    });
    entry.lock.lock();
  }

  private void release(String key) {
    locks.computeIfPresent(key, (k, e) -> {
      e.lock.unlock();
      return --e.users == 0 ? null : e;
    });
  }

  /** Number of keys currently held or waited for; for tests. */
  int size() {
    return locks.size();
  }
}
