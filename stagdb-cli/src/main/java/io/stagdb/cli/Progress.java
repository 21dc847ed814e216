package io.stagdb.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Progress of a long operation on standard error, so that standard output stays the result: on a
 * terminal a line redrawn in place ({@code creating my-db … 2.3 s, creating}), elsewhere (CI logs)
 * a line every 10 seconds.
 */
final class Progress implements AutoCloseable {
  private static final long LOG_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

  private final PrintWriter err;
  private final boolean terminal;
  private final String what;
  private final long started = System.nanoTime();
  private long lastLine = System.nanoTime();
  private boolean drawn;

  Progress(PrintWriter err, boolean terminal, String what) {
    this.err = err;
    this.terminal = terminal;
    this.what = what;
  }

  /** For this process: a terminal when there is a console. */
  static Progress of(PrintWriter err, String what) {
    return new Progress(err, System.console() != null, what);
  }

  Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - started);
  }

  /** Shows how long it has taken so far and, if given, the current state. */
  void update(String state) {
    String line = what + " … " + Output.duration(elapsed()) + (state == null ? "" : ", " + state);
    if (terminal) {
      err.print("\r\033[K" + line);
      err.flush();
      drawn = true;
    } else if (System.nanoTime() - lastLine >= LOG_EVERY_NANOS) {
      err.println(line);
      err.flush();
      lastLine = System.nanoTime();
    }
  }

  /** Polls {@code done} every {@code every} until it answers non-null, updating with {@code state}. */
  <T> T await(Duration every, Supplier<T> done, Supplier<String> state) throws InterruptedException {
    while (true) {
      T result = done.get();
      if (result != null) {
        return result;
      }
      update(state.get());
      Thread.sleep(every.toMillis());
    }
  }

  /** Runs {@code work} here while a ticker shows the time it takes. */
  <T> T during(Supplier<T> work) {
    Thread ticker = new Thread(() -> {
      try {
        while (true) {
          Thread.sleep(200);
          synchronized (this) {
            update(null);
          }
        }
      } catch (InterruptedException done) {
        // the work is over
      }
    }, "stagdb-progress");
    ticker.setDaemon(true);
    ticker.start();
    try {
      return work.get();
    } finally {
      ticker.interrupt();
      try {
        ticker.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public synchronized void close() {
    if (drawn) {
      err.print("\r\033[K");
      err.flush();
    }
  }
}
