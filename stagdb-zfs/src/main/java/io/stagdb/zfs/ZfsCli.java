package io.stagdb.zfs;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.StagDbException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Zfs} through the {@code zfs} command: argument arrays (never a shell), a timeout per
 * call, parsable output ({@code -H}, {@code get -Hp}), and only syntax that both OpenZFS 2.x and
 * zfs-fuse accept.
 */
final class ZfsCli implements Zfs {
  private static final Logger LOG = LoggerFactory.getLogger(ZfsCli.class);
  private static final int BUSY_RETRIES = 8;
  /** Drains the output pipes of running commands; daemon threads, so they never hold the JVM. */
  private static final ExecutorService PIPES = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "zfs-cli-pipe");
    t.setDaemon(true);
    return t;
  });

  private final String executable;
  private final Duration timeout;

  ZfsCli(String executable, Duration timeout) {
    this.executable = executable;
    this.timeout = timeout;
  }

  @Override
  public void create(String dataset, Map<String, String> properties) {
    run("create", dataset, withProperties(List.of("create"), properties, dataset));
  }

  @Override
  public void snapshot(String snapshot) {
    run("snapshot", snapshot, List.of("snapshot", snapshot));
  }

  @Override
  public void clone(String snapshot, String target, Map<String, String> properties) {
    List<String> args = withProperties(List.of("clone"), properties, snapshot);
    args.add(target);
    run("clone", target, args);
  }

  @Override
  public void rollback(String snapshot) {
    run("rollback", snapshot, List.of("rollback", "-r", snapshot));
  }

  @Override
  public void promote(String dataset) {
    retryWhileBusy("promote", dataset, () -> run("promote", dataset, List.of("promote", dataset)));
  }

  @Override
  public void destroy(String dataset, boolean cascade) {
    boolean snapshot = dataset.contains("@");
    List<String> args = snapshot ? List.of("destroy", dataset) : List.of("destroy", cascade ? "-R" : "-r", dataset);
    retryWhileBusy("destroy", dataset, () -> {
      if (!snapshot) {
        // zfs-fuse (and a container that just stopped) can hold the mount a moment: unmount first.
        unmountQuietly(dataset);
      }
      run("destroy", dataset, args);
    });
  }

  @Override
  public void mount(String dataset) {
    if (!"yes".equals(properties(dataset, false, List.of("mounted")).get(0).value())) {
      mountNew(dataset);
    }
  }

  /** Mounts a filesystem known to be unmounted (libzfs_core creates datasets without mounting them). */
  void mountNew(String dataset) {
    // Right after an unmount, zfs-fuse answers "mountpoint or dataset is busy" about one time in
    // six for a moment (measured); the same call a fraction of a second later succeeds.
    retryWhileBusy("mount", dataset, () -> run("mount", dataset, List.of("mount", dataset)));
  }

  /** Runs {@code call}, retrying with a doubling pause while ZFS says the dataset is busy. */
  private static void retryWhileBusy(String operation, String dataset, Runnable call) {
    long backoff = 25;
    for (int attempt = 1; ; attempt++) {
      try {
        call.run();
        return;
      } catch (ConflictException e) {
        if (e.reason() != ConflictException.Reason.BUSY || attempt == BUSY_RETRIES) {
          throw e;
        }
        LOG.debug("{} is busy, retrying {} in {} ms", dataset, operation, backoff);
        sleep(backoff);
        backoff *= 2;
      }
    }
  }

  /** Unmounts a filesystem if mounted; errors (e.g. "not currently mounted") are ignored. */
  void unmountQuietly(String dataset) {
    exec(List.of("unmount", dataset));
  }

  @Override
  public boolean exists(String dataset) {
    Result r = exec(List.of("list", "-H", "-o", "name", dataset));
    if (r.exitCode == 0) {
      return true;
    }
    StagDbException error = ZfsErrors.fromCli("list", dataset, r.exitCode, r.stderr);
    if (error instanceof io.stagdb.domain.error.NotFoundException) {
      return false;
    }
    throw error;
  }

  @Override
  public List<PropertyRow> properties(String dataset, boolean recursive, List<String> names) {
    List<String> args = new ArrayList<>(List.of("get", "-Hp"));
    if (recursive) {
      args.add("-r");
    }
    args.addAll(List.of("-o", "name,property,value", String.join(",", names), dataset));
    return parseProperties(run("get", dataset, args));
  }

  /** Parses {@code zfs get -Hp -o name,property,value} output (tab-separated, one row a line). */
  static List<PropertyRow> parseProperties(String output) {
    List<PropertyRow> rows = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] cells = line.split("\t", -1);
      if (cells.length != 3) {
        throw new InfrastructureException("unexpected zfs get output line: " + line);
      }
      rows.add(new PropertyRow(cells[0], cells[1], cells[2]));
    }
    return rows;
  }

  private static List<String> withProperties(List<String> command, Map<String, String> properties, String dataset) {
    List<String> args = new ArrayList<>(command);
    properties.forEach((k, v) -> {
      args.add("-o");
      args.add(k + "=" + v);
    });
    args.add(dataset);
    return args;
  }

  /** Runs and returns stdout, or throws the translated error. */
  private String run(String operation, String dataset, List<String> args) {
    Result r = exec(args);
    if (r.exitCode != 0) {
      throw ZfsErrors.fromCli(operation, dataset, r.exitCode, r.stderr);
    }
    return r.stdout;
  }

  private record Result(int exitCode, String stdout, String stderr) {
  }

  private Result exec(List<String> args) {
    List<String> command = new ArrayList<>(args.size() + 1);
    command.add(executable);
    command.addAll(args);
    long started = System.nanoTime();
    Process process;
    try {
      process = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new InfrastructureException("cannot run '" + executable + "': " + e.getMessage()
          + " (is ZFS installed? see scripts/host-setup)", e);
    }
    try {
      process.getOutputStream().close();
      CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> read(process.getInputStream()), PIPES);
      CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()), PIPES);
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new InfrastructureException("zfs " + args.get(0) + " did not finish within " + timeout);
      }
      Result result = new Result(process.exitValue(), stdout.join(), stderr.join());
      LOG.debug("zfs {} -> {} in {} ms", args, result.exitCode, (System.nanoTime() - started) / 1_000_000);
      return result;
    } catch (IOException e) {
      throw new InfrastructureException("zfs " + args.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      // A zfs command cut short can leave zfs-fuse half-way through a mount or an unmount (seen: the file
      // system then answered nothing more). Let it finish, within its timeout, then report the interrupt.
      boolean finished = false;
      try {
        finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException again) {
        // give up waiting
      }
      if (!finished) {
        process.destroyForcibly();
      }
      Thread.currentThread().interrupt();
      throw new InfrastructureException("interrupted while running zfs " + args.get(0)
          + (finished ? " (it finished with exit code " + process.exitValue() + ")" : ""), e);
    }
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InfrastructureException("interrupted while waiting for a busy dataset", e);
    }
  }
}
