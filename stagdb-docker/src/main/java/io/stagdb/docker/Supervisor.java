package io.stagdb.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.port.out.VolumeIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Halting and resuming an engine inside its running container, so a recycle keeps the container,
 * its port and its network: a small POSIX shell supervisor runs as the container's PID 1, and
 * stagDB talks to it through its control directory (a directory of this host, bound in at
 * {@value #CONTROL_INSIDE}, never on the database's volume), with a signal as the fallback.
 *
 * <ul>
 *   <li><b>Halt</b>: stagDB writes {@code now} (or {@code clean}) into the pipe {@code asks}; its
 *       reader, started with the engine, writes {@code halting} and signals the supervisor:
 *       SIGUSR1 halts the engine at once (SIGKILL to every process but the supervisor), SIGHUP
 *       cleanly (its own stop signal). Nobody took it within {@link #TAKEN_WITHIN}: stagDB sends
 *       the signal through Docker. Once nothing of the engine is left alive (zombies aside), the
 *       supervisor writes {@code halted}.</li>
 *   <li><b>Resume</b>: stagDB removes {@code halted} and writes {@code resume}; the supervisor, which
 *       looks for it every few milliseconds for about 10 s after a halt (and five times a second
 *       after that, or when SIGUSR2 wakes it), empties it and starts the engine. Not taken within
 *       {@link #TAKEN_WITHIN}: stagDB sends SIGUSR2, or starts the container when it stopped.</li>
 * </ul>
 *
 * <p>A recycle waits for both, so neither goes through Docker (a call is 15-40 ms here), a file
 * system transition never meets a marker (they are off the volume, which zfs-fuse needs: see
 * {@link VolumeIo}), and a resume forks little: the markers are emptied by shell builtins, and an
 * engine whose image's entry point only prepares a fresh data directory (every one but MongoDB's,
 * which also adds {@code --auth}) runs its command directly once the entry point has run in this
 * container. {@code docker stop} still stops the engine cleanly and ends the container; an engine
 * that exits by itself ends it with its exit code, so crashes look as always.
 *
 * <p>Containers made before they had a control directory keep their markers in the engine's data
 * directory ({@link #HALTED}, {@link #RESUME}) and are signalled through Docker; they are served as
 * before.
 */
final class Supervisor {
  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
  /** Where a restartable container sees its control directory. */
  static final String CONTROL_INSIDE = "/run/stagdb";
  /** The markers of a container made before control directories: in the engine's data directory. */
  static final String HALTED = ".stagdb-halted";
  static final String RESUME = ".stagdb-resume";
  /** How long a resume or a halt asked for waits for the supervisor to take it before signalling it. */
  private static final Duration TAKEN_WITHIN = Duration.ofMillis(40);

  private final DockerClient docker;
  private final ContainerLookup containers;
  private final DockerSettings settings;

  Supervisor(DockerClient docker, ContainerLookup containers, DockerSettings settings) {
    this.docker = docker;
    this.containers = containers;
    this.settings = settings;
  }

  /** The command of a restartable container: the supervisor, which runs {@code engineCommand}. */
  static List<String> command(EngineProfile profile, List<String> engineCommand) {
    List<String> command = new ArrayList<>(List.of("sh", "-c", SCRIPT, "stagdb-supervisor",
        profile.stopSignal().replace("SIG", ""), CONTROL_INSIDE, profile.isMongo() ? "entrypoint" : "direct"));
    command.addAll(engineCommand);
    return command;
  }

  static final String SCRIPT = String.join("\n",
      "sig=$1; ctl=$2; resumes=$3; shift 3; hold=; stop=; pid=; quick=0; entry=docker-entrypoint.sh",
      "halted=\"$ctl/halted\"; resume=\"$ctl/resume\"; asks=\"$ctl/asks\"",
      "trap 'stop=1; [ -n \"$pid\" ] && kill -\"$sig\" \"$pid\"' INT TERM",
      "trap 'hold=1; [ -n \"$pid\" ] && kill -\"$sig\" \"$pid\"' HUP",
      "trap 'hold=1; kill -KILL -1 2>/dev/null' USR1",
      "trap ':' USR2",   // only wakes the nap below: a resume counts by its marker, once halted
      // whether a process other than this supervisor is alive (zombies are dead: they do no I/O)
      "others() { for s in /proc/[0-9]*/stat; do read -r p c st r < \"$s\" 2>/dev/null || continue;"
          + " [ \"$p\" = 1 ] || [ \"$st\" = Z ] || return 0; done; return 1; }",
      // a halt asked through the pipe in the control directory: its reader (killed with the engine,
      // started again with it) says it took it and signals this supervisor, with no Docker call
      "listen() { while [ -p \"$asks\" ]; do read -r c < \"$asks\" || continue; case $c in",
      "  now) : > \"$ctl/halting\"; kill -USR1 1; return;; clean) : > \"$ctl/halting\"; kill -HUP 1; return;; esac; done; }",
      "rm -f \"$halted\"; : > \"$resume\"; [ -p \"$asks\" ] || mkfifo \"$asks\" 2>/dev/null",
      "while :; do",
      "  if [ -z \"$hold\" ]; then",
      "    listen &",
      "    if [ -n \"$entry\" ]; then \"$entry\" \"$@\" & pid=$!; else \"$@\" & pid=$!; fi",
      "    [ \"$resumes\" = direct ] && entry=",
      "    code=0; wait \"$pid\" || code=$?",
      "    while kill -0 \"$pid\" 2>/dev/null; do code=0; wait \"$pid\" || code=$?; done",
      "    pid=",
      "    if [ -n \"$stop\" ]; then exit 0; fi",
      "    if [ -z \"$hold\" ]; then exit \"$code\"; fi",
      "    while others; do kill -KILL -1 2>/dev/null; sleep 0.001; done",
      // a resume counts only once halted; then look for one often for about 10 s
      "    : > \"$resume\"; : > \"$halted\"; quick=1500",
      "  fi",
      "  if [ -n \"$stop\" ]; then exit 0; fi",
      "  if [ -s \"$resume\" ]; then : > \"$resume\"; hold=; continue; fi",
      "  if [ \"$quick\" -gt 0 ]; then quick=$((quick - 1)); sleep 0.005; continue; fi",
      // halted for long: a nap that SIGUSR2 cuts short (a busy poll here would cost a core's worth of forks)
      "  sleep 0.2 & nap=$!; wait \"$nap\"; kill \"$nap\" 2>/dev/null; wait \"$nap\" 2>/dev/null",
      "done");

  /** The control directory of a database's container on this host. */
  Path controlOf(DatabaseId id) {
    return settings.controlDir().resolve(id.value());
  }

  /** Makes (or keeps) a database's control directory, the engine's uid its owner, and returns its mount. */
  Mount controlMount(DatabaseId id, int uid) {
    Path dir = ensureControl(controlOf(id), uid);
    return new Mount().withType(MountType.BIND).withSource(dir.toString()).withTarget(CONTROL_INSIDE);
  }

  /** The control directory bound into an inspected container, or {@code null}. */
  static Path controlOf(InspectContainerResponse inspected) {
    return inspected.getMounts() == null ? null : inspected.getMounts().stream()
        .filter(m -> m.getDestination() != null && CONTROL_INSIDE.equals(m.getDestination().getPath()) && m.getSource() != null)
        .map(m -> Path.of(m.getSource())).findFirst().orElse(null);
  }

  /** Makes the control directory again when it was removed behind our back, so the container can start. */
  void ensureControl(ContainerFacts f) {
    if (f.control() != null) {
      ensureControl(f.control(), f.uid());
    }
  }

  private static Path ensureControl(Path dir, int uid) {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir.getParent());
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      }
      if (!Integer.valueOf(uid).equals(Files.getAttribute(dir, "unix:uid"))) {
        Files.setAttribute(dir, "unix:uid", uid);
        Files.setAttribute(dir, "unix:gid", uid);
      }
      return dir;
    } catch (IOException | UnsupportedOperationException e) {
      throw new InfrastructureException("cannot prepare the control directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Removes a database's control directory (its container is gone); missing is fine. */
  void removeControl(DatabaseId id) {
    deleteTree(controlOf(id));
  }

  /** Removes the control directories of this instance whose container is gone ({@code live}: the ids of those that are not). */
  void sweep(Set<String> live) {
    Path root = settings.controlDir();
    if (!Files.isDirectory(root)) {
      return;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, "db-*")) {
      for (Path dir : dirs) {
        if (!live.contains(dir.getFileName().toString())) {
          LOG.info("removing the control directory {}: its container is gone", dir);
          deleteTree(dir);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot look for stray control directories in {}: {}", root, e.getMessage());
    }
  }

  private static void deleteTree(Path dir) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(dir);
    } catch (NoSuchFileException gone) {
      // nothing to remove
    } catch (IOException e) {
      LOG.warn("cannot remove the control directory {}: {}", dir, e.getMessage());
    }
  }

  /**
   * Halts the engine of a restartable container (the caller stops any other). A halted or stopped
   * one has nothing to halt; a running one is signalled, and this returns once the supervisor says
   * nothing of the engine is left.
   */
  void halt(ContainerFacts f, boolean cleanly) {
    if (halted(f)) {
      return;
    }
    String signal = cleanly ? "SIGHUP" : "SIGUSR1";
    if (!asked(f, cleanly ? "clean" : "now")) {
      try {
        docker.killContainerCmd(f.container()).withSignal(signal).exec();
      } catch (com.github.dockerjava.api.exception.ConflictException notRunning) {
        return;   // stopped: no engine to halt
      } catch (RuntimeException e) {
        throw DockerErrors.translate("halt the engine of " + f.name(), e);
      }
    }
    Duration bound = cleanly ? settings.stopTimeout() : Duration.ofSeconds(10);
    if (!within(bound, () -> halted(f))) {
      throw new InfrastructureException("the engine of " + f.name() + " did not stop after " + signal);
    }
  }

  /**
   * Asks the supervisor for a halt through its control directory's pipe; {@code true} once its
   * reader took it (or the engine is halted already). {@code false} for a container made before
   * the pipe, or whose reader does not answer (the container stopped, say): it is signalled then.
   */
  private boolean asked(ContainerFacts f, String how) {
    if (f.control() == null) {
      return false;
    }
    Path asks = f.control().resolve("asks");
    Path halting = f.control().resolve("halting");
    try {
      Files.deleteIfExists(halting);
      if (!Files.exists(asks)) {
        return false;
      }
      // read and write: opening a pipe so never waits for a reader; what nobody reads goes with it
      try (FileChannel pipe = FileChannel.open(asks, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        pipe.write(ByteBuffer.wrap((how + "\n").getBytes(StandardCharsets.US_ASCII)));
        return within(TAKEN_WITHIN, () -> Files.exists(halting) || halted(f));
      }
    } catch (IOException e) {
      LOG.debug("asking {} for a halt through {} failed: {}", f.name(), asks, e.getMessage());
      return false;
    }
  }

  /**
   * Resumes a halted engine in its running container. Returns {@code false} when the container
   * does not run (halted, then stopped): the caller starts it, and its supervisor starts the engine.
   */
  boolean resume(ContainerFacts f) {
    if (f.control() == null) {
      return resumeOnVolume(f);
    }
    Path halted = f.control().resolve("halted");
    Path resume = f.control().resolve("resume");
    if (!Files.exists(halted)) {
      return running(f);   // the engine runs; or the container stopped, and its supervisor starts the engine with it
    }
    try {
      Files.deleteIfExists(halted);
      Files.writeString(resume, "resume\n");
    } catch (IOException e) {
      throw new InfrastructureException("cannot resume the engine of " + f.name() + ": " + e.getMessage(), e);
    }
    if (within(TAKEN_WITHIN, () -> taken(resume))) {
      return true;   // the supervisor took it, as it does for a while after a halt
    }
    return wake(f);   // halted for long (it naps), or the container stopped
  }

  private static boolean taken(Path resume) {
    try {
      return Files.size(resume) == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** Markers in the engine's data directory, woken by a signal: a container made before control directories. */
  private boolean resumeOnVolume(ContainerFacts f) {
    if (f.files() == null) {
      return false;   // no marker can be written from here: a stopped container is started, a running one left
    }
    if (!haltMarked(f.files()) && running(f)) {
      return true;
    }
    VolumeIo.within("resuming the engine of " + f.name(), () -> {
      try {
        Files.deleteIfExists(f.files().resolve(HALTED));
        return Files.writeString(f.files().resolve(RESUME), "resume\n");
      } catch (IOException e) {
        throw new InfrastructureException("cannot resume the engine of " + f.name() + ": " + e.getMessage(), e);
      }
    });
    return wake(f);
  }

  /** SIGUSR2: the supervisor looks for its resume marker at once; {@code false} when the container does not run. */
  private boolean wake(ContainerFacts f) {
    try {
      docker.killContainerCmd(f.container()).withSignal("SIGUSR2").exec();
      return true;
    } catch (com.github.dockerjava.api.exception.ConflictException stopped) {
      return false;
    } catch (com.github.dockerjava.api.exception.NotFoundException gone) {
      throw new NotFoundException("container", f.name());
    } catch (RuntimeException e) {
      throw DockerErrors.translate("resume the engine of " + f.name(), e);
    }
  }

  /**
   * Whether a restartable container's engine is halted: its supervisor's marker (in the control
   * directory, or in the data directory of an older container); without either on this host, the
   * process list.
   */
  private boolean halted(ContainerFacts f) {
    return halted(f.control(), f.files(), () -> containers.inspect(f.container()));
  }

  /** A running restartable container with its engine halted. */
  boolean held(InspectContainerResponse inspected) {
    return halted(controlOf(inspected), Inspections.filesOf(inspected), () -> inspected);
  }

  private boolean halted(Path control, Path files, Supplier<InspectContainerResponse> inspection) {
    if (control != null) {
      return Files.exists(control.resolve("halted"));
    }
    if (files != null) {
      return haltMarked(files);
    }
    InspectContainerResponse now = inspection.get();
    return !Boolean.TRUE.equals(now.getState().getRunning()) || !Inspections.engineRuns(docker, now);
  }

  /** The halted marker in the engine's files: a container made before control directories. */
  private static boolean haltMarked(Path files) {
    return VolumeIo.within("looking for " + HALTED, () -> Files.exists(files.resolve(HALTED)));
  }

  private boolean running(ContainerFacts f) {
    return Boolean.TRUE.equals(containers.inspect(f.container()).getState().getRunning());
  }

  /** Polls {@code done} every millisecond or two until it holds or {@code bound} has passed. */
  private static boolean within(Duration bound, BooleanSupplier done) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        TimeUnit.MICROSECONDS.sleep(1500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InfrastructureException("interrupted while waiting for the engine's supervisor", e);
      }
    }
    return true;
  }
}
