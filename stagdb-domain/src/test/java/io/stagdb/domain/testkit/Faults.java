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
