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

  /** Like {@link #call(String, Runnable)}, with "not modified" meaning it was already so. */
  static void idempotent(String what, Runnable action) {
    try {
      call(what, action);
    } catch (NotModifiedException alreadySo) {
      // started or stopped already
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
