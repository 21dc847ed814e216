package io.stagdb.domain.port.out;

import java.time.Duration;

/**
 * Told when an operation ends, for the server's metrics: its kind ({@code create}, {@code snapshot},
 * {@code branch}, {@code recycle}, {@code reset}, {@code delete}), how long it took from the request
 * (work finished in the background included), and whether it succeeded.
 */
@FunctionalInterface
public interface OperationObserver {
  OperationObserver NONE = (kind, took, succeeded) -> { };

  void finished(String kind, Duration took, boolean succeeded);
}
