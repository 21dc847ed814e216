package io.stagdb.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import io.stagdb.domain.error.InfrastructureException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named pipe in a database's engine files, made inside its container: a tool there reads (or
 * writes) it by its path inside, while this side, or another tool, holds the other end. A dump goes
 * through it whole without ever being held in memory or on disk.
 *
 * @param onHost the pipe's path on this host
 * @param inside the same pipe's path inside the container
 */
record EnginePipe(Path onHost, String inside) {
  private static final Logger LOG = LoggerFactory.getLogger(EnginePipe.class);

  /** Makes a fresh pipe in the container's engine files (mode 0600, owned by the container's user). */
  static EnginePipe make(ContainerExec exec, InspectContainerResponse container, String purpose) {
    Path files = Inspections.filesOf(container);
    String dir = Inspections.filesInside(container);
    if (files == null || dir == null) {
      throw new InfrastructureException(purpose + " works only for a database whose files are on this host");
    }
    String name = ".stagdb-import-" + UUID.randomUUID() + ".fifo";
    EnginePipe pipe = new EnginePipe(files.resolve(name), dir + "/" + name);
    exec.run(container.getId(), List.of("mkfifo", "-m", "0600", pipe.inside()), List.of(), Duration.ofMinutes(1),
        "make the pipe for " + purpose);
    return pipe;
  }

  /**
   * Lets through an end that waits to be opened when the other side's tool exited before it opened its
   * own: opening the pipe for reading and writing never blocks, and its close ends the other's wait.
   */
  void unblock() {
    try (FileChannel ignored = FileChannel.open(onHost, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      // opened and closed; never created
    } catch (IOException gone) {
      // removed already: both ends are done
    }
  }

  void remove() {
    try {
      Files.deleteIfExists(onHost);
    } catch (IOException e) {
      LOG.warn("could not remove {}: {}", onHost, e.getMessage());
    }
  }
}
