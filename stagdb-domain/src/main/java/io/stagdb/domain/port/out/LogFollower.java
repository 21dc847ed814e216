package io.stagdb.domain.port.out;

/**
 * Receives a followed engine log ({@link DatabaseRuntime#followLogs}): each chunk of text as the
 * engine writes it, then {@link #end} exactly once. Called from a thread of the runtime's.
 */
public interface LogFollower {
  /** The next chunk of log text (one or more whole lines). Throwing stops the stream. */
  void text(String chunk);

  /** The stream is over: the container stopped, the stream was closed or it failed ({@code why}). */
  void end(String why);

  /** An open log stream; closing it stops the stream and ends its follower. */
  interface Stream extends AutoCloseable {
    @Override
    void close();
  }
}
