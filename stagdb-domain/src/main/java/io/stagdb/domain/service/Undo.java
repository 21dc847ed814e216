package io.stagdb.domain.service;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The compensations of a multi-step operation: each completed step registers how to undo itself,
 * and on failure they run in reverse order. A failing compensation is added to the original error
 * as suppressed and the rest still run, so one stuck step does not leak the others.
 */
final class Undo {
  private final Deque<Runnable> steps = new ArrayDeque<>();

  /** Registers how to undo the step that just completed. */
  void push(Runnable compensation) {
    steps.push(compensation);
  }

  /** Undoes every registered step, newest first, and returns {@code failure} for rethrowing. */
  RuntimeException rollback(RuntimeException failure) {
    while (!steps.isEmpty()) {
      try {
        steps.pop().run();
      } catch (RuntimeException undoFailure) {
        failure.addSuppressed(undoFailure);
      }
    }
    return failure;
  }
}
