package io.stagdb.junit;

import io.stagdb.domain.model.ResourceRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Branches of one source, created ahead in the background so that taking one is a queue pop. Each
 * taken branch is replaced in the background; closing the pool deletes what is still waiting.
 */
final class BranchPool implements AutoCloseable {
  private final Backend backend;
  private final String source;
  private final boolean sourceIsSnapshot;
  private final ResourceRequest resources;
  private final Duration ttl;
  private final Map<String, String> labels;
  private final Supplier<String> names;
  private final int size;
  private final LinkedBlockingQueue<Branch> ready = new LinkedBlockingQueue<>();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ExecutorService fillers;

  BranchPool(Backend backend, String source, boolean sourceIsSnapshot, ResourceRequest resources, Duration ttl,
             Map<String, String> labels, Supplier<String> names, int size) {
    this.backend = backend;
    this.source = source;
    this.sourceIsSnapshot = sourceIsSnapshot;
    this.resources = resources;
    this.ttl = ttl;
    this.labels = Map.copyOf(labels);
    this.names = names;
    this.size = size;
    this.fillers = Executors.newFixedThreadPool(Math.max(1, Math.min(size, 4)), r -> {
      Thread t = new Thread(r, "stagdb-pool-" + source);
      t.setDaemon(true);
      return t;
    });
    for (int i = 0; i < size; i++) {
      refill();
    }
  }

  /**
   * A ready branch if one is waiting; else the next one a fill under way delivers (starting another
   * creation would only compete with it); else one made now. Either way the pool refills behind it.
   */
  Branch take() {
    Branch branch = ready.poll();
    try {
      while (branch == null && pending.get() > 0) {
        branch = ready.poll(50, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (branch == null) {
      branch = create();
    }
    refill();
    return branch;
  }

  private Branch create() {
    return backend.branch(source, sourceIsSnapshot, names.get(), resources, ttl, labels);
  }

  private void refill() {
    if (size == 0 || closed.get() || ready.size() + pending.get() >= size) {
      return;
    }
    pending.incrementAndGet();
    fillers.execute(() -> {
      try {
        if (!closed.get()) {
          Branch branch = create();
          if (closed.get()) {
            backend.delete(branch.name(), false);
          } else {
            ready.add(branch);
          }
        }
      } catch (RuntimeException e) {
        // a failed refill only costs the next taker a synchronous create, which reports the error
      } finally {
        pending.decrementAndGet();
      }
    });
  }

  /** Stops refilling and deletes the branches still waiting. */
  @Override
  public void close() {
    closed.set(true);
    fillers.shutdown();
    try {
      fillers.awaitTermination(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Branch branch = ready.poll(); branch != null; branch = ready.poll()) {
      backend.delete(branch.name(), false);
    }
  }
}
