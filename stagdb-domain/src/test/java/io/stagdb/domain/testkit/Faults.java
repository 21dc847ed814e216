package io.stagdb.domain.testkit;

import io.stagdb.domain.error.InfrastructureException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault injection shared by the in-memory ports: "fail the Nth call of X", or "fail the Nth port
 * call of any kind", which lets a test break every step of a flow in turn. Operations are named
 * {@code port.method}, e.g. {@code volumes.clone} or {@code runtime.awaitReady}.
 */
public final class Faults {
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final Map<String, Integer> failAt = new ConcurrentHashMap<>();
  private final Map<String, RuntimeException> failWith = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  private final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
  private volatile int failAtTotal = -1;
  private final Map<String, Pause> pauses = new ConcurrentHashMap<>();

  /**
   * A call held at its start until released, to force an interleaving of concurrent operations.
   * The held thread keeps whatever it holds (the operation's locks, the port's monitor).
   */
  public static final class Pause {
    private final java.util.concurrent.CountDownLatch reached = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);

    /** Waits until a thread is held here; false when none came within {@code seconds}. */
    public boolean awaitReached(long seconds) throws InterruptedException {
      return reached.await(seconds, java.util.concurrent.TimeUnit.SECONDS);
    }

    public void release() {
      released.countDown();
    }

    void hold() {
      reached.countDown();
      try {
        if (!released.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
          throw new IllegalStateException("a paused call was never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while paused", e);
      }
    }
  }

  /** Makes the {@code n}th call (1-based, counted from now) of {@code operation} fail. */
  public Faults failOnCall(String operation, int n) {
    calls.computeIfAbsent(operation, k -> new AtomicInteger()).set(0);
    failAt.put(operation, n);
    return this;
  }

  /** Like {@link #failOnCall(String, int)} but throwing {@code error}, e.g. a bug rather than an infrastructure failure. */
  public Faults failOnCall(String operation, int n, RuntimeException error) {
    failOnCall(operation, n);
    failWith.put(operation, error);
    return this;
  }

  /** Holds the {@code n}th call (1-based, counted from now) of {@code operation} at its start until released. */
  public Pause pauseOnCall(String operation, int n) {
    calls.computeIfAbsent(operation, k -> new AtomicInteger()).set(0);
    Pause pause = new Pause();
    pauses.put(operation + "#" + n, pause);
    return pause;
  }

  /** Makes the {@code n}th port call of any kind (1-based, counted from now) fail. */
  public Faults failOnAnyCall(int n) {
    total.set(0);
    log.clear();
    failAtTotal = n;
    return this;
  }

  /** Clears every planned fault (counters keep going). */
  public void reset() {
    failAt.clear();
    failWith.clear();
    failAtTotal = -1;
  }

  /** Called by an in-memory port at the start of each method. */
  public void check(String operation) {
    log.add(operation);
    int n = calls.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
    int overall = total.incrementAndGet();
    Pause pause = pauses.remove(operation + "#" + n);
    if (pause != null) {
      pause.hold();
    }
    Integer planned = failAt.get(operation);
    if (planned != null && planned == n && failWith.containsKey(operation)) {
      throw failWith.get(operation);
    }
    if ((planned != null && planned == n) || overall == failAtTotal) {
      throw new InfrastructureException("injected fault in " + operation + " (call " + n + ")");
    }
  }

  public int calls(String operation) {
    AtomicInteger n = calls.get(operation);
    return n == null ? 0 : n.get();
  }

  /** Port calls since the last {@link #failOnAnyCall} (or since creation). */
  public int totalCalls() {
    return total.get();
  }

  /** The operations called since the last {@link #failOnAnyCall}, in order. */
  public List<String> log() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }
}
