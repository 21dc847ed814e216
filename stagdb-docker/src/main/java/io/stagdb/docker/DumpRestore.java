package io.stagdb.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.model.DumpFormat;
import io.stagdb.domain.model.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
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
  /** The longest a restore may take after its last byte was written (indexes, constraints). */
  static final Duration FINISH = Duration.ofHours(12);

  private final ContainerExec exec;

  DumpRestore(ContainerExec exec) {
    this.exec = exec;
  }

  void restore(InspectContainerResponse container, Engine engine, Credentials credentials, DumpFormat format,
               InputStream dump) {
    EnginePipe pipe = EnginePipe.make(exec, container, "a dump upload");
    try {
      List<String> command = command(engine, format, credentials, pipe.inside());
      ContainerExec.Running tool = exec.start(container.getId(), command, environment(engine, credentials), line -> { });
      IOException broken = feed(pipe, dump, tool);
      tool.awaitExit(FINISH);
      Long exit = tool.exitCode();
      if (exit != null && exit == 0 && broken != null) {
        throw new InfrastructureException("the upload broke off: " + broken.getMessage(), broken);
      }
      if (exit == null || exit != 0) {
        throw new InvalidRequestException("body", "the dump was not restored (" + command.get(0) + " exit " + exit
            + "): " + String.join("\n", tool.lastLines()));
      }
    } finally {
      pipe.remove();
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
  private static IOException feed(EnginePipe pipe, InputStream dump, ContainerExec.Running tool) {
    Thread unblock = new Thread(() -> {
      // a tool that exits before it opened the pipe would leave the opening below waiting for ever
      tool.awaitExit(FINISH);
      pipe.unblock();
    }, "dump-pipe-unblock");
    unblock.setDaemon(true);
    unblock.start();
    byte[] buffer = new byte[1 << 16];
    try (OutputStream out = Files.newOutputStream(pipe.onHost())) {
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
}
