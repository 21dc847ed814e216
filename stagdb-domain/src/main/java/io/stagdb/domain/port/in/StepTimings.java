package io.stagdb.domain.port.in;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * How long each step of an operation took (reserve, clone, container, ready, credentials, catalog,
 * ...), recorded for the thread that asked for it: the REST adapter answers them as a
 * {@code Server-Timing} header, and the benchmarks report the breakdown from there.
 */
public final class StepTimings {
  private static final ThreadLocal<List<Step>> RECORDING = new ThreadLocal<>();

  /** One step: its name and how long it took. */
  public record Step(String name, long nanos) {
    public double millis() {
      return nanos / 1_000_000.0;
    }
  }

  private StepTimings() {
  }

  /** Runs {@code work} and returns the steps it took on this thread, in order, with its result. */
  public static <T> Recorded<T> record(Supplier<T> work) {
    List<Step> previous = RECORDING.get();
    List<Step> steps = new ArrayList<>();
    RECORDING.set(steps);
    try {
      return new Recorded<>(work.get(), List.copyOf(steps));
    } finally {
      if (previous == null) {
        RECORDING.remove();
      } else {
        RECORDING.set(previous);
      }
    }
  }

  /** A result and the steps that made it. */
  public record Recorded<T>(T value, List<Step> steps) {
  }

  /** Times one step of the current operation (recorded only when someone records). */
  public static <T> T step(String name, Supplier<T> work) {
    List<Step> steps = RECORDING.get();
    if (steps == null) {
      return work.get();
    }
    long started = System.nanoTime();
    try {
      return work.get();
    } finally {
      steps.add(new Step(name, System.nanoTime() - started));
    }
  }

  /** Records a step measured elsewhere (a wait). */
  public static void add(String name, long nanos) {
    List<Step> steps = RECORDING.get();
    if (steps != null) {
      steps.add(new Step(name, nanos));
    }
  }

  public static void step(String name, Runnable work) {
    step(name, () -> {
      work.run();
      return null;
    });
  }
}
