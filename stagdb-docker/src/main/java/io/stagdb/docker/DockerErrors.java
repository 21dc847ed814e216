package io.stagdb.docker;

import com.github.dockerjava.api.exception.NotModifiedException;
import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.error.StagDbException;
import java.util.function.Supplier;

/**
 * Every docker-java call goes through here: its exceptions become the domain's (not found,
 * conflict, a host port taken, an unreachable engine), so none of docker-java's types leaves the
 * adapter. {@link NotModifiedException} passes through for the callers that treat it as done.
 */
final class DockerErrors {
  private DockerErrors() {
  }

  static <T> T call(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (NotModifiedException e) {
      throw e;
    } catch (RuntimeException e) {
      throw translate(what, e);
    }
  }

  static void call(String what, Runnable action) {
    call(what, () -> {
      action.run();
      return null;
    });
  }

  /**
   * Like {@link #call(String, Runnable)}, with "not modified" meaning it was already so. Right after
   * the engine restarted, containerd can still hold a dead container's task for a few seconds and a
   * start answers 500 "task … already exists" (seen in the concurrent fault campaign): that is
   * tried again, for up to 5 s.
   */
  static void idempotent(String what, Runnable action) {
    for (int attempt = 1; ; attempt++) {
      try {
        call(what, action);
        return;
      } catch (NotModifiedException alreadySo) {
        return;   // started or stopped already
      } catch (InfrastructureException e) {
        String message = String.valueOf(e.getMessage());
        if (attempt >= 10 || !(message.contains("task ") && message.contains("already exists"))) {
          throw e;
        }
        try {
          Thread.sleep(500);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  static RuntimeException translate(String what, Exception e) {
    if (e instanceof StagDbException domain) {
      return domain;
    }
    if (e instanceof com.github.dockerjava.api.exception.NotFoundException) {
      return new NotFoundException("docker object", what);
    }
    if (e instanceof com.github.dockerjava.api.exception.ConflictException) {
      return new ConflictException(ConflictException.Reason.ALREADY_EXISTS, "cannot " + what + ": " + e.getMessage());
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (message.contains("port is already allocated") || message.contains("address already in use")) {
      return new ConflictException(ConflictException.Reason.BUSY, "cannot " + what + ": the host port is already in use");
    }
    return new InfrastructureException("cannot " + what + ": " + message.strip());
  }

  static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // shutting down
    }
  }
}
