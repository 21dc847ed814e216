package io.stagdb.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.port.out.LogFollower;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** A container's log (stdout and stderr): its last lines, and following it as the engine writes. */
final class ContainerLogs {
  private final DockerClient docker;
  /** For followed logs only: no response timeout (a quiet log is not a dead one), its own connections. */
  private final DockerClient follows;

  ContainerLogs(DockerClient docker, DockerClient follows) {
    this.docker = docker;
    this.follows = follows;
  }

  /** The container's last {@code tail} log lines, from {@code since} if given. */
  String read(String container, int tail, Instant since) {
    StringBuilder out = new StringBuilder();
    var command = docker.logContainerCmd(container).withStdOut(true).withStdErr(true).withTail(tail);
    if (since != null) {
      command = command.withSince((int) since.getEpochSecond());
    }
    try (ResultCallback.Adapter<Frame> callback = command.exec(new ResultCallback.Adapter<>() {
      @Override
      public void onNext(Frame frame) {
        synchronized (out) {
          out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
        }
      }
    })) {
      callback.awaitCompletion(10, TimeUnit.SECONDS);
    } catch (IOException | RuntimeException e) {
      throw DockerErrors.translate("read the logs of " + container, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InfrastructureException("interrupted while reading logs", e);
    }
    synchronized (out) {
      return out.toString();
    }
  }

  /** The last log lines for an error message; never fails. */
  String tail(String container, int lines) {
    try {
      return read(container, lines, null).strip();
    } catch (RuntimeException e) {
      return "(logs unavailable: " + e.getMessage() + ")";
    }
  }

  LogFollower.Stream follow(String container, int tail, Instant since, LogFollower follower) {
    var command = follows.logContainerCmd(container).withStdOut(true).withStdErr(true).withTail(tail)
        .withFollowStream(true);
    if (since != null) {
      command = command.withSince((int) since.getEpochSecond());
    }
    AtomicBoolean ended = new AtomicBoolean();
    Consumer<String> end = why -> {
      if (ended.compareAndSet(false, true)) {
        follower.end(why);
      }
    };
    ResultCallback.Adapter<Frame> callback;
    try {
      callback = command.exec(new ResultCallback.Adapter<>() {
        @Override
        public void onStart(Closeable stream) {
          super.onStart(stream);
          if (ended.get()) {   // closed before the response began: the adapter had no stream to close then
            DockerErrors.closeQuietly(stream);
          }
        }

        @Override
        public void onNext(Frame frame) {
          if (ended.get()) {
            return;
          }
          try {
            follower.text(new String(frame.getPayload(), StandardCharsets.UTF_8));
          } catch (RuntimeException gone) {
            DockerErrors.closeQuietly(this);
            end.accept("the follower stopped: " + gone.getMessage());
          }
        }

        @Override
        public void onError(Throwable error) {
          DockerErrors.closeQuietly(this);
          end.accept("the log stream failed: " + error.getMessage());
        }

        @Override
        public void onComplete() {
          DockerErrors.closeQuietly(this);
          end.accept("the container stopped");
        }
      });
    } catch (RuntimeException e) {
      throw DockerErrors.translate("follow the log of " + container, e);
    }
    return () -> {
      DockerErrors.closeQuietly(callback);
      end.accept("closed");
    };
  }
}
