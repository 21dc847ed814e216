package io.stagdb.junit;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A branch held outside a JUnit test's own life, such as a Spring test context's: closing it gives
 * the branch back to its pool (recycled in place for the next holder).
 */
public final class BranchLease implements AutoCloseable {
  private final Branch branch;
  private final BranchPool pool;
  private final AtomicBoolean closed = new AtomicBoolean();

  BranchLease(Branch branch, BranchPool pool) {
    this.branch = branch;
    this.pool = pool;
  }

  public Branch branch() {
    return branch;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      pool.giveBack(branch, false);
    }
  }
}
