package io.stagdb.domain.port.out;

import java.time.Instant;

/** Reads schedules written as cron expressions (a well-kept parser behind it). */
public interface Schedules {
  /** Refuses an expression it cannot read: an {@code InvalidRequestException} on {@code field} that says why. */
  void check(String field, String expression);

  /** The first time after {@code after} that the expression names (in UTC). */
  Instant next(String expression, Instant after);

  /** For a server without schedules: every expression refused. */
  Schedules NONE = new Schedules() {
    @Override
    public void check(String field, String expression) {
      throw new io.stagdb.domain.error.InvalidRequestException(field, "schedules are not available here");
    }

    @Override
    public Instant next(String expression, Instant after) {
      return Instant.MAX;
    }
  };
}
