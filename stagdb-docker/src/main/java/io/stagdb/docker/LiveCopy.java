package io.stagdb.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.model.Engine;
import io.stagdb.domain.model.ImportSource;
import io.stagdb.domain.port.out.ImportListener;
import io.stagdb.domain.port.out.SourceInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A copy from a live source into a database, run with the tools of the database's own image inside its
 * container, so that their version is the target's: PostgreSQL by {@code pg_dump -Fd -j} into the
 * container's temporary directory, then {@code pg_restore -j}; MySQL and MariaDB by their dump tool
 * streaming into their client through a named pipe ({@link EnginePipe}); MongoDB by {@code mongodump}
 * streaming an archive into {@code mongorestore} the same way. No shell runs: each tool is an argument
 * list, and a password goes only into its own exec's environment (or, for MongoDB's tools, which read
 * none there, a mode-0600 file removed afterwards). The tools' output goes to the server's log and to
 * the volume's {@value #LOG_FILE}, which the database's logs show.
 */
final class LiveCopy {
  static final String LOG_FILE = "import.log";
  private static final Duration PROBE = Duration.ofSeconds(60);
  private static final Duration COPY = Duration.ofHours(24);
  private static final String FIELD = "source.url";

  private final ContainerExec exec;

  LiveCopy(ContainerExec exec) {
    this.exec = exec;
  }

  /**
   * The last {@code tail} lines of a volume's import log (from {@code since}, if given), under a heading,
   * for the database's logs; empty when it was never imported.
   */
  static String importLog(Path volume, int tail, Instant since) {
    Path file = volume.resolve(LOG_FILE);
    if (!Files.isRegularFile(file)) {
      return "";
    }
    List<String> lines;
    try (java.util.stream.Stream<String> all = Files.lines(file, StandardCharsets.UTF_8)) {
      lines = all.filter(l -> since == null || !stampOf(l).isBefore(since)).toList();
    } catch (IOException | UncheckedIOException e) {
      return "\n--- import log unreadable: " + e.getMessage() + " ---\n";
    }
    List<String> last = lines.subList(Math.max(0, lines.size() - tail), lines.size());
    return last.isEmpty() ? "" : "\n--- import from the source (" + LOG_FILE + ") ---\n" + String.join("\n", last) + "\n";
  }

  private static Instant stampOf(String line) {
    try {
      return Instant.parse(line.substring(0, Math.max(0, line.indexOf(' '))));
    } catch (RuntimeException e) {
      return Instant.MAX;   // no stamp: shown
    }
  }

  // ---- probe -------------------------------------------------------------------------------

  SourceInfo probe(InspectContainerResponse container, Engine target, ImportSource source) {
    return switch (target) {
      case POSTGRESQL -> {
        List<String> row = fields(probeRun(container, CopyCommands.pgProbe(source), CopyCommands.pgEnv(source)), "\\|", 3);
        yield new SourceInfo(row.get(0), tool(container, "pg_dump"), number(row.get(1)), number(row.get(2)));
      }
      case MYSQL, MARIADB -> {
        List<String> row = fields(probeRun(container, CopyCommands.mysqlProbe(target, source),
            CopyCommands.mysqlEnv(source.password())), "\t", 3);
        yield new SourceInfo(row.get(0), null, number(row.get(1)), number(row.get(2)));
      }
      case MONGODB -> {
        Path config = CopyCommands.mongoConfig(container, source, null);
        try {
          List<String> row = fields(probeRun(container, CopyCommands.mongoProbe(inside(container, config), source.database().isEmpty()), List.of()), "\\|", 3);
          yield new SourceInfo(row.get(0), null, number(row.get(1)), number(row.get(2)));
        } finally {
          delete(config);
        }
      }
    };
  }

  /** Runs a probe; a refusal (unreachable, wrong login) is the client's own message on {@code source.url}. */
  private List<String> probeRun(InspectContainerResponse container, List<String> command, List<String> env) {
    ContainerExec.Running probe = exec.start(container.getId(), command, env, line -> { });
    probe.awaitExit(PROBE);
    Long exit = probe.exitCode();
    if (exit == null || exit != 0) {
      throw new InvalidRequestException(FIELD, "the source could not be read (" + command.get(0) + " exit " + exit
          + "): " + String.join("\n", probe.lastLines()));
    }
    return probe.lastLines();
  }

  private String tool(InspectContainerResponse container, String name) {
    List<String> out = exec.run(container.getId(), List.of(name, "--version"), List.of(), PROBE, "run " + name);
    return out.isEmpty() ? null : out.get(out.size() - 1);
  }

  private static List<String> fields(List<String> lines, String separator, int count) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      String[] parts = lines.get(i).split(separator, -1);
      if (parts.length == count) {
        return List.of(parts).stream().map(String::strip).toList();
      }
    }
    throw new InfrastructureException("the source's probe answered nothing readable: " + String.join(" / ", lines));
  }

  private static long number(String text) {
    try {
      return text.isEmpty() || text.equals("NULL") ? 0 : Long.parseLong(text.replaceAll("\\.\\d*$", ""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  // ---- copy --------------------------------------------------------------------------------

  void copy(InspectContainerResponse container, Engine target, Credentials into, ImportSource source,
            ImportListener listener) {
    Path log = Inspections.volumeOf(container) == null ? null : Inspections.volumeOf(container).resolve(LOG_FILE);
    try (ImportLog out = new ImportLog(log)) {
      out.line("import from " + source.masked() + " into " + target.id() + " " + into.database());
      switch (target) {
        case POSTGRESQL -> copyPostgres(container, into, source, listener, out);
        case MYSQL, MARIADB, MONGODB -> streamed(container, target, into, source, listener, out);
      }
      out.line("import done");
    }
  }

  private void copyPostgres(InspectContainerResponse container, Credentials into, ImportSource source,
                            ImportListener listener, ImportLog out) {
    String dir = "/tmp/stagdb-import-" + UUID.randomUUID();
    int jobs = jobs(container);
    try {
      listener.phase("dump");
      List<String> dump = CopyCommands.pgDump(source, dir, jobs);
      step(container, dump, CopyCommands.pgEnv(source), out.of(dump, "dumping contents of table", listener));
      listener.phase("restore");
      List<String> restore = CopyCommands.pgRestore(into, dir, jobs);
      step(container, restore, CopyCommands.pgEnv(into.password()), out.of(restore, "processing data for table", listener));
    } finally {
      try {
        exec.run(container.getId(), List.of("rm", "-rf", dir), List.of(), PROBE, "remove the dump " + dir);
      } catch (RuntimeException e) {
        out.line("could not remove " + dir + ": " + e.getMessage());
      }
    }
  }

  /**
   * The dump tool writes into a pipe that the restore tool reads, both at once: one phase, {@code copy}.
   * For MySQL and MariaDB the dump passes through this server on its way, through a second pipe, so
   * that its definers become the target's ({@link DefinerFilter}).
   */
  private void streamed(InspectContainerResponse container, Engine target, Credentials into, ImportSource source,
                        ImportListener listener, ImportLog out) {
    boolean mysql = target != Engine.MONGODB;
    EnginePipe pipe = EnginePipe.make(exec, container, "an import");
    EnginePipe dumped = mysql ? EnginePipe.make(exec, container, "an import") : pipe;
    Path dumpConfig = null;
    Path restoreConfig = null;
    try {
      List<String> dump;
      List<String> restore;
      List<String> dumpEnv = List.of();
      List<String> restoreEnv = List.of();
      if (mysql) {
        dump = CopyCommands.mysqlDump(target, source, dumped.inside());
        restore = CopyCommands.mysqlRestore(target, into, pipe.inside());
        dumpEnv = CopyCommands.mysqlEnv(source.password());
        restoreEnv = CopyCommands.mysqlEnv(into.password());
      } else {
        dumpConfig = CopyCommands.mongoConfig(container, source, null);
        restoreConfig = CopyCommands.mongoConfig(container, null, into);
        dump = CopyCommands.mongoDump(inside(container, dumpConfig), pipe.inside());
        restore = CopyCommands.mongoRestore(inside(container, restoreConfig), pipe.inside());
      }
      listener.phase("copy");
      ContainerExec.Running reader = exec.start(container.getId(), restore, restoreEnv, out.of(restore, null, listener));
      ContainerExec.Running writer = exec.start(container.getId(), dump, dumpEnv, out.of(dump,
          mysql ? "Retrieving table structure for table" : "done dumping", listener));
      java.util.concurrent.atomic.AtomicReference<IOException> broken = new java.util.concurrent.atomic.AtomicReference<>();
      Thread filter = new Thread(() -> {
        try (var in = Files.newInputStream(dumped.onHost()); var to = Files.newOutputStream(pipe.onHost())) {
          DefinerFilter.copy(in, to);
        } catch (IOException e) {
          broken.set(e);   // the restore stopped reading: its own exit code tells why
        }
      }, "import-definer-filter");
      filter.setDaemon(true);
      if (mysql) {
        filter.start();
      }
      Thread unblock = new Thread(() -> {
        writer.awaitExit(COPY);   // a dump that never opened its pipe would leave its reader waiting for ever
        dumped.unblock();
      }, "import-pipe-unblock");
      unblock.setDaemon(true);
      unblock.start();
      reader.awaitExit(COPY);
      pipe.unblock();   // and a restore that never opened its pipe, its writer
      writer.awaitExit(COPY);
      join(filter);
      check(restore.get(0), reader);   // first: a restore that stopped makes the dump fail on its pipe, too
      check(dump.get(0), writer);
      if (broken.get() != null) {
        throw new InfrastructureException("the dump did not reach the restore: " + broken.get().getMessage());
      }
    } finally {
      pipe.remove();
      dumped.remove();
      delete(dumpConfig);
      delete(restoreConfig);
    }
  }

  private static void join(Thread thread) {
    try {
      thread.join(Duration.ofMinutes(1).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InfrastructureException("interrupted while the import finished", e);
    }
  }

  private void step(InspectContainerResponse container, List<String> command, List<String> env, Consumer<String> lines) {
    ContainerExec.Running tool = exec.start(container.getId(), command, env, lines);
    tool.awaitExit(COPY);
    check(command.get(0), tool);
  }

  private static void check(String tool, ContainerExec.Running run) {
    Long exit = run.exitCode();
    if (exit == null || exit != 0) {
      throw new InvalidRequestException(FIELD, "the copy failed (" + tool + " exit " + exit + "): "
          + String.join("\n", run.lastLines()));
    }
  }

  /** Parallel jobs for pg_dump and pg_restore: the container's CPUs, at least 2, at most 8. */
  private static int jobs(InspectContainerResponse container) {
    Long nano = container.getHostConfig() == null ? null : container.getHostConfig().getNanoCPUs();
    int cpus = nano == null || nano <= 0 ? Runtime.getRuntime().availableProcessors() : (int) Math.ceil(nano / 1e9);
    return Math.max(2, Math.min(8, cpus));
  }

  private static String inside(InspectContainerResponse container, Path onHost) {
    return Inspections.filesInside(container) + "/" + onHost.getFileName();
  }

  private static void delete(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The copy's output, each line stamped, appended to the volume's import log (mode 0600). */
  private static final class ImportLog implements AutoCloseable {
    private final Writer writer;

    ImportLog(Path file) {
      Writer w = null;
      if (file != null) {
        try {
          if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
          }
          w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
          throw new InfrastructureException("cannot write the import log " + file + ": " + e.getMessage(), e);
        }
      }
      this.writer = w;
    }

    /**
     * A tool's lines for this log, each named by its tool; a line holding {@code objectMarker} is one more
     * object done for {@code listener}.
     */
    Consumer<String> of(List<String> command, String objectMarker, ImportListener listener) {
      String tool = command.get(0);
      return line -> {
        line(line.startsWith(tool + ":") ? line : tool + ": " + line);
        if (objectMarker != null && line.contains(objectMarker)) {
          listener.objectDone();
        }
      };
    }

    synchronized void line(String text) {
      if (writer != null) {
        try {
          writer.write(Instant.now() + " " + text + "\n");
          writer.flush();
        } catch (IOException e) {
          // the log is a report; the copy goes on without it
        }
      }
    }

    @Override
    public synchronized void close() {
      if (writer != null) {
        try {
          writer.close();
        } catch (IOException e) {
          // nothing more to write
        }
      }
    }
  }
}
