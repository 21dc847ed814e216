package io.stagdb.domain.service;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The compensations of a multi-step operation: each completed step registers how to undo itself,
 * and on failure they run in reverse order. A failing compensation is added to the original error
 * as suppressed and the rest still run, so one stuck step does not leak the others; a later
 * compensation can ask whether an earlier one failed (to leave a record for the reconciler instead
 * of forgetting what is left).
 */
final class Undo {
  private final Deque<Runnable> steps = new ArrayDeque<>();
  private boolean failed;

  /** Registers how to undo the step that just completed (or that is about to start and may half-complete). */
  void push(Runnable compensation) {
    steps.push(compensation);
  }

  /** Whether a compensation that already ran failed. */
  boolean somethingLeft() {
    return failed;
  }

  /** Undoes every registered step, newest first, and returns {@code failure} for rethrowing. */
  RuntimeException rollback(RuntimeException failure) {
    while (!steps.isEmpty()) {
      try {
        steps.pop().run();
      } catch (RuntimeException undoFailure) {
        failed = true;
        failure.addSuppressed(undoFailure);
      }
    }
    return failure;
  }
}
