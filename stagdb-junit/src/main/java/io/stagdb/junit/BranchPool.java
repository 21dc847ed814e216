package io.stagdb.junit;

import io.stagdb.domain.model.ResourceRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Recyclable branches of one source, kept ready so that taking one is a queue pop. A branch a test
 * is done with is recycled in place in the background (same container, port and password; the
 * data put back by ZFS) and waits for the next test; only a branch that cannot be recycled (kept
 * for a failed test, or a recycle that failed) is replaced by a new one. When tests wait for a
 * branch, the pool grows, up to its maximum. Closing the pool gives every branch it owns back to
 * the server without waiting for recycles under way: the server keeps them ready (as standbys) for
 * the next run's pool, or deletes them. A pool of size 0 keeps nothing: each test gets a new
 * branch, deleted after it.
 */
final class BranchPool implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(BranchPool.class.getName());
  private final Backend backend;
  private final String source;
  private final boolean sourceIsSnapshot;
  private final ResourceRequest resources;
  private final Duration ttl;
  private final Map<String, String> labels;
  private final Supplier<String> names;
  private final int size;
  private final int max;
  private final LinkedBlockingQueue<Branch> ready = new LinkedBlockingQueue<>();
  /** Every branch this pool made and has not given up: ready, in use, or being recycled. */
  private final Set<String> owned = ConcurrentHashMap.newKeySet();
  private final AtomicInteger inFlight = new AtomicInteger();
  /** Creations under way, which {@link #owned} does not hold yet. */
  private final AtomicInteger creating = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ExecutorService workers;
  final Stats stats = new Stats();

  /** What the pool did, for the run's summary. */
  static final class Stats {
    final List<Long> takeMicros = Collections.synchronizedList(new ArrayList<>());
    final List<Long> recycleMicros = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger created = new AtomicInteger();
    final AtomicInteger replaced = new AtomicInteger();
  }

  BranchPool(Backend backend, String source, boolean sourceIsSnapshot, ResourceRequest resources, Duration ttl,
             Map<String, String> labels, Supplier<String> names, int size, int max) {
    this.backend = backend;
    this.source = source;
    this.sourceIsSnapshot = sourceIsSnapshot;
    this.resources = resources;
    this.ttl = ttl;
    this.labels = Map.copyOf(labels);
    this.names = names;
    this.size = Math.max(0, size);
    this.max = Math.max(this.size, max);
    // one worker per branch the pool may own: every recycle runs at once (they wait on the server, not on this JVM)
    this.workers = Executors.newFixedThreadPool(Math.max(1, this.max), r -> {
      Thread t = new Thread(r, "stagdb-pool-" + source);
      t.setDaemon(true);
      return t;
    });
    for (int i = 0; i < this.size; i++) {
      inBackground(this::addNew);
    }
  }

  /** Branches the pool owns now: it starts with its size and grows, as tests wait, up to its maximum. */
  int size() {
    return owned.size();
  }

  String source() {
    return source;
  }

  /**
   * A ready branch if one is waiting; else the next one that work under way (a creation or a
   * recycle) delivers, the pool growing by one (up to its maximum) meanwhile, since its tests are
   * waiting; else one made now.
   */
  Branch take() {
    long started = System.nanoTime();
    Branch branch = ready.poll();
    if (branch == null && size > 0 && owned.size() + creating.get() < max) {
      creating.incrementAndGet();
      inBackground(() -> {
        try {
          addNew();
        } finally {
          creating.decrementAndGet();
        }
      });
    }
    try {
      while (branch == null && inFlight.get() > 0) {
        branch = ready.poll(20, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (branch == null) {
      branch = create();
    }
    stats.takeMicros.add((System.nanoTime() - started) / 1000);
    return branch;
  }

  /**
   * Takes back a branch a test is done with: recycled in the background for the next test, or,
   * when {@code keep} (a failed test's, kept to look at), given up and replaced by a new one.
   */
  void giveBack(Branch branch, boolean keep) {
    if (size == 0) {
      owned.remove(branch.name());
      if (!keep) {
        backend.deleteLater(branch.name());
      }
      return;
    }
    if (keep) {
      owned.remove(branch.name());
      stats.replaced.incrementAndGet();
      inBackground(this::addNew);
      return;
    }
    inBackground(() -> {
      long started = System.nanoTime();
      try {
        backend.recycle(branch.name());
      } catch (RuntimeException cannot) {
        // e.g. the test took a snapshot of it, or the engine would not come back: replace it
        owned.remove(branch.name());
        backend.deleteLater(branch.name());
        stats.replaced.incrementAndGet();
        addNew();
        return;
      }
      stats.recycleMicros.add((System.nanoTime() - started) / 1000);
      offer(branch);
    });
  }

  private Branch create() {
    Branch branch = backend.branch(source, sourceIsSnapshot, names.get(), resources, ttl, labels, size > 0);
    owned.add(branch.name());
    stats.created.incrementAndGet();
    return branch;
  }

  private void addNew() {
    if (!closed.get()) {
      offer(create());
    }
  }

  /** Makes a branch ready for the next taker; once the pool is closed, gives it back (unless closing did). */
  private void offer(Branch branch) {
    ready.add(branch);
    if (closed.get() && ready.remove(branch) && owned.remove(branch.name())) {
      backend.release(branch.name());   // kept ready by the server for the next run, or deleted
    }
  }

  private void inBackground(Runnable work) {
    inFlight.incrementAndGet();
    try {
      workers.execute(() -> {
        try {
          work.run();
        } catch (RuntimeException e) {
          // a failed fill only costs the next taker a creation of its own, which reports the error
        } finally {
          inFlight.decrementAndGet();
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      inFlight.decrementAndGet();
    }
  }

  /**
   * Stops refilling and gives every branch the pool owns back to the server at once, whether
   * ready, out or being recycled: the server keeps each ready for the next run (or deletes it), and
   * takes one whose recycle is still under way once that is done. Nothing waits for a recycle, so
   * the end of a run costs one round trip a branch, made side by side.
   */
  @Override
  public void close() {
    closed.set(true);
    workers.shutdown();   // a recycle under way finishes on the server; its answer finds the pool closed
    ready.clear();
    List<String> names = List.copyOf(owned);
    owned.clear();
    if (names.isEmpty()) {
      return;
    }
    ExecutorService releasing = Executors.newFixedThreadPool(Math.min(8, names.size()), r -> {
      Thread t = new Thread(r, "stagdb-release-" + source);
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> released = names.stream().<Future<?>>map(name -> releasing.submit(() -> backend.release(name)))
          .toList();
      for (Future<?> f : released) {
        try {
          f.get(1, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
          // not given back: its TTL ends it on the server
          LOG.log(System.Logger.Level.WARNING, "stagDB: a branch of " + source + " was not given back: " + e.getMessage());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      releasing.shutdownNow();
    }
  }
}
