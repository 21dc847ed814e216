package io.stagdb.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import io.stagdb.domain.error.InfrastructureException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands run in a database's container ({@code docker exec}), never through a shell: an argument
 * list, an environment of their own (where a tool's password goes: {@code docker inspect} of the
 * container does not show it), their output read line by line, logged and its last lines kept for
 * an error message.
 */
final class ContainerExec {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerExec.class);
  private static final int LAST_LINES = 20;

  private final DockerClient docker;

  ContainerExec(DockerClient docker) {
    this.docker = docker;
  }

  /** Runs a command to its end, within {@code bound}; fails with its last lines unless it exits 0. */
  List<String> run(String container, List<String> command, List<String> env, Duration bound, String what) {
    Running exec = start(container, command, env, line -> { });
    exec.awaitExit(bound);
    Long exit = exec.exitCode();
    if (exit == null || exit != 0) {
      throw new InfrastructureException("cannot " + what + ": " + String.join("\n", exec.lastLines()));
    }
    return exec.lastLines();
  }

  /** Starts a command; each line it writes goes to {@code lines} (and to this server's log). */
  Running start(String container, List<String> command, List<String> env, Consumer<String> lines) {
    String tool = command.get(0);
    Deque<String> last = new ArrayDeque<>();
    String id = DockerErrors.call("run " + tool, () -> docker.execCreateCmd(container)
        .withCmd(command.toArray(String[]::new)).withEnv(env).withAttachStdout(true).withAttachStderr(true)
        .exec().getId());
    ResultCallback.Adapter<Frame> callback = DockerErrors.call("run " + tool, () -> docker.execStartCmd(id)
        .exec(new ResultCallback.Adapter<>() {
          private final StringBuilder partial = new StringBuilder();

          @Override
          public void onNext(Frame frame) {
            partial.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
            int end;
            while ((end = partial.indexOf("\n")) >= 0) {
              line(partial.substring(0, end));
              partial.delete(0, end + 1);
            }
          }

          @Override
          public void onComplete() {
            line(partial.toString());
            partial.setLength(0);
            super.onComplete();
          }

          private void line(String text) {
            String line = text.strip();
            if (line.isEmpty()) {
              return;
            }
            LOG.info("{}: {}", tool, line);
            synchronized (last) {
              last.addLast(line);
              if (last.size() > LAST_LINES) {
                last.removeFirst();
              }
            }
            lines.accept(line);
          }
        }));
    return new Running(id, tool, callback, last);
  }

  /** A command running in the container. */
  final class Running {
    private final String id;
    private final String tool;
    private final ResultCallback.Adapter<Frame> callback;
    private final Deque<String> last;

    private Running(String id, String tool, ResultCallback.Adapter<Frame> callback, Deque<String> last) {
      this.id = id;
      this.tool = tool;
      this.callback = callback;
      this.last = last;
    }

    /** Waits until its output has ended (it exited), at most {@code bound}. */
    void awaitExit(Duration bound) {
      try {
        if (!callback.awaitCompletion(bound.toSeconds(), TimeUnit.SECONDS)) {
          throw new InfrastructureException(tool + " did not finish within " + bound.toMinutes() + " min");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InfrastructureException("interrupted while " + tool + " ran", e);
      }
    }

    /** Its exit code once it has exited; {@code null} while it runs. */
    Long exitCode() {
      return DockerErrors.call("inspect " + tool, () -> docker.inspectExecCmd(id).exec().getExitCodeLong());
    }

    /** The last lines it wrote. */
    List<String> lastLines() {
      synchronized (last) {
        return List.copyOf(last);
      }
    }
  }
}
