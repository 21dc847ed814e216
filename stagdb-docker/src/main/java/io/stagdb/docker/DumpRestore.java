package io.stagdb.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Frame;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.model.DumpFormat;
import io.stagdb.domain.model.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores an uploaded dump in a database's own container with the image's tool, streamed through
 * a named pipe in the database's files: the tool reads the pipe inside the container while this
 * side writes the upload into it on the host, so the dump is never held whole, in memory or on
 * disk. (Docker's exec stdin is not used: docker-java's HTTP transports never pass on its end, so
 * the tool would wait for more input for ever.) The tool's password is in the exec's environment,
 * which {@code docker inspect} of the container does not show, and never in its arguments.
 */
final class DumpRestore {
  private static final Logger LOG = LoggerFactory.getLogger(DumpRestore.class);
  private static final int LAST_LINES = 20;
  /** The longest a restore may take after its last byte was written (indexes, constraints). */
  private static final long FINISH_HOURS = 12;

  private final DockerClient docker;

  DumpRestore(DockerClient docker) {
    this.docker = docker;
  }

  void restore(InspectContainerResponse container, Engine engine, Credentials credentials, DumpFormat format,
               InputStream dump) {
    Path files = Inspections.filesOf(container);
    String inside = container.getMounts() == null ? null : container.getMounts().stream()
        .filter(m -> m.getSource() != null && Path.of(m.getSource()).equals(files))
        .map(m -> m.getDestination().getPath()).findFirst().orElse(null);
    if (files == null || inside == null) {
      throw new InfrastructureException("a dump can be uploaded only into a database whose files are on this host");
    }
    String pipeName = ".stagdb-import-" + UUID.randomUUID() + ".fifo";
    Path pipe = files.resolve(pipeName);
    String pipeInside = inside + "/" + pipeName;
    try {
      run(container.getId(), List.of("mkfifo", "-m", "0600", pipeInside), List.of(), "make the pipe the dump is read from");
      Deque<String> output = new ArrayDeque<>();
      List<String> command = command(engine, format, credentials, pipeInside);
      Exec tool = start(container.getId(), command, environment(engine, credentials), output);
      IOException broken = feed(pipe, dump, tool);
      tool.awaitExit();
      Long exit = tool.exitCode();
      if (exit != null && exit == 0 && broken != null) {
        throw new InfrastructureException("the upload broke off: " + broken.getMessage(), broken);
      }
      if (exit == null || exit != 0) {
        throw new InvalidRequestException("body", "the dump was not restored (" + command.get(0) + " exit " + exit
            + "): " + String.join("\n", lastLines(output)));
      }
    } finally {
      try {
        Files.deleteIfExists(pipe);
      } catch (IOException e) {
        LOG.warn("could not remove {}: {}", pipe, e.getMessage());
      }
    }
  }

  /** The tool's command line; the password is not in it. */
  private static List<String> command(Engine engine, DumpFormat format, Credentials c, String pipe) {
    if (engine == Engine.POSTGRESQL) {
      return format == DumpFormat.POSTGRES_CUSTOM
          // -Fc named: told to find out the format itself, pg_restore reads a file's first bytes, closes
          // it and opens it again, which loses those bytes from a pipe
          ? List.of("pg_restore", "-Fc", "--exit-on-error", "--no-owner", "--no-privileges", "-h", "127.0.0.1",
              "-U", c.username(), "-d", c.database(), pipe)
          : List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-U", c.username(),
              "-d", c.database(), "-f", pipe);
    }
    // the client reads the script by its own 'source' command: no shell, a path of our own making;
    // MariaDB's client goes on after an error in a sourced file unless told not to
    List<String> client = engine == Engine.MARIADB ? List.of("mariadb", "--abort-source-on-error") : List.of("mysql");
    return java.util.stream.Stream.concat(client.stream(), java.util.stream.Stream.of("-h", "127.0.0.1",
        "-u", c.username(), c.database(), "-e", "source " + pipe)).toList();
  }

  private static List<String> environment(Engine engine, Credentials c) {
    return List.of((engine == Engine.POSTGRESQL ? "PGPASSWORD=" : "MYSQL_PWD=") + c.password());
  }

  /**
   * Writes the upload into the pipe; returns the error when the upload broke off. When the tool
   * stops reading (it refused the dump), the write fails and the rest of the upload is left unread.
   */
  private static IOException feed(Path pipe, InputStream dump, Exec tool) {
    Thread unblock = new Thread(() -> {
      // a tool that exits before it opened the pipe would leave the opening below waiting for ever:
      // an end opened for reading and writing (never blocks) lets it through, to a broken pipe
      tool.awaitExit();
      try (FileChannel ignored = FileChannel.open(pipe, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        // opened and closed; never created
      } catch (IOException gone) {
        // removed already: the write has finished
      }
    }, "dump-pipe-unblock");
    unblock.setDaemon(true);
    unblock.start();
    byte[] buffer = new byte[1 << 16];
    try (OutputStream out = Files.newOutputStream(pipe)) {
      while (true) {
        int n;
        try {
          n = dump.read(buffer);
        } catch (IOException uploadBroke) {
          return uploadBroke;
        }
        if (n < 0) {
          return null;
        }
        out.write(buffer, 0, n);
      }
    } catch (IOException toolStoppedReading) {
      return toolStoppedReading;
    }
  }

  private void run(String container, List<String> command, List<String> env, String what) {
    Deque<String> output = new ArrayDeque<>();
    Exec exec = start(container, command, env, output);
    exec.awaitExit();
    Long exit = exec.exitCode();
    if (exit == null || exit != 0) {
      throw new InfrastructureException("cannot " + what + ": " + String.join("\n", lastLines(output)));
    }
  }

  private Exec start(String container, List<String> command, List<String> env, Deque<String> output) {
    String id = DockerErrors.call("run " + command.get(0), () -> docker.execCreateCmd(container)
        .withCmd(command.toArray(String[]::new)).withEnv(env).withAttachStdout(true).withAttachStderr(true)
        .exec().getId());
    ResultCallback.Adapter<Frame> callback = DockerErrors.call("run " + command.get(0), () -> docker.execStartCmd(id)
        .exec(new ResultCallback.Adapter<>() {
          @Override
          public void onNext(Frame frame) {
            for (String line : new String(frame.getPayload(), StandardCharsets.UTF_8).split("\n")) {
              if (!line.isBlank()) {
                LOG.info("{}: {}", command.get(0), line.strip());
                synchronized (output) {
                  output.addLast(line.strip());
                  if (output.size() > LAST_LINES) {
                    output.removeFirst();
                  }
                }
              }
            }
          }
        }));
    return new Exec(id, callback);
  }

  private static List<String> lastLines(Deque<String> output) {
    synchronized (output) {
      return List.copyOf(output);
    }
  }

  /** A command running in the container. */
  private final class Exec {
    private final String id;
    private final ResultCallback.Adapter<Frame> callback;

    Exec(String id, ResultCallback.Adapter<Frame> callback) {
      this.id = id;
      this.callback = callback;
    }

    void awaitExit() {
      try {
        if (!callback.awaitCompletion(FINISH_HOURS, TimeUnit.HOURS)) {
          throw new InfrastructureException("the restore did not finish within " + FINISH_HOURS + " h");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InfrastructureException("interrupted while the dump was restored", e);
      }
    }

    /** Its exit code once it has exited; {@code null} while it runs. */
    Long exitCode() {
      return DockerErrors.call("inspect the restore", () -> docker.inspectExecCmd(id).exec().getExitCodeLong());
    }
  }
}
