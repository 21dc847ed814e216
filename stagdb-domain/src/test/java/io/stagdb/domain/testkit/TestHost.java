package io.stagdb.domain.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * The real test host for integration tests: the ZFS test pool and the Docker engine that
 * {@code scripts/host-setup} prepares. Each JVM is one test run with its own id
 * ({@code it-<pid>-<random>}), its own dataset root and container label, and at start it removes
 * what runs whose JVM is gone left behind.
 *
 * <p>Missing infrastructure aborts a test, unless {@code STAGDB_REQUIRE_INFRA=true} (as in CI),
 * which makes it fail.
 */
public final class TestHost {
  /** Label on every container a test run creates. */
  public static final String RUN_LABEL = "io.stagdb.run";
  public static final String POOL = envOr("STAGDB_TEST_POOL", "stagdb");
  /** A run id, or a run's dataset: {@code it-<pid>-<hex>} with an optional {@code -<purpose>}. */
  private static final Pattern RUN_ID = Pattern.compile("it-(\\d+)-[0-9a-f]{6}(-[a-z0-9-]+)?");
  private static final String RUN = "it-" + ProcessHandle.current().pid() + "-" + randomHex();
  private static final Path MOUNT_ROOT = Path.of("/var/tmp/stagdb-it");
  private static boolean swept;

  private TestHost() {
  }

  /** This JVM's run id. */
  public static String runId() {
    return RUN;
  }

  /**
   * A dataset name for one purpose of this run, e.g. {@code stagdb/it-4242-a1b2c3-volumes}; the
   * test creates and destroys it, and a killed run's is swept by the next.
   */
  public static String datasetFor(String purpose) {
    return POOL + "/" + RUN + "-" + purpose;
  }

  /** Where a purpose of this run mounts its volumes; removed with {@link #destroyFor}, or by the sweep after a kill. */
  public static Path mountDirFor(String purpose) {
    return MOUNT_ROOT.resolve(RUN + "-" + purpose);
  }

  /** Removes the Docker networks this run created (once their containers are gone). */
  public static void removeRunNetworks() {
    for (String id : exec(List.of("docker", "network", "ls", "-q", "--filter", "label=" + RUN_LABEL + "=" + RUN)).lines()) {
      exec(List.of("docker", "network", "rm", id));
    }
  }

  /** Destroys the dataset and mount directory of one purpose of this run, if they exist. */
  public static void destroyFor(String purpose) {
    if (exec(List.of("zfs", "list", datasetFor(purpose))).ok()) {
      destroyRecursively(datasetFor(purpose));
    }
    deleteTree(mountDirFor(purpose));
  }

  public static boolean infraRequired() {
    return Boolean.parseBoolean(envOr("STAGDB_REQUIRE_INFRA", System.getProperty("stagdb.requireInfra", "false")));
  }

  /** Fails (STAGDB_REQUIRE_INFRA=true) or aborts the test when {@code available} is false. */
  public static void require(boolean available, String what) {
    if (available) {
      return;
    }
    String message = what + " is not available; run 'sudo scripts/host-setup' (or skip integration tests with -DskipITs)";
    if (infraRequired()) {
      throw new AssertionError(message + " [STAGDB_REQUIRE_INFRA=true]");
    }
    Assumptions.abort(message);
  }

  /** Requires the ZFS test pool and Docker, and removes leftovers of dead runs once per JVM. */
  public static synchronized void requireZfsAndDocker() {
    requireZfs();
    requireDocker();
    sweepDeadRuns();
  }

  public static void requireZfs() {
    require(exec(List.of("zpool", "list", "-H", "-o", "name", POOL)).ok(), "the ZFS test pool '" + POOL + "'");
  }

  public static void requireDocker() {
    require(exec(List.of("docker", "info", "--format", "{{.ServerVersion}}")).ok(), "the Docker engine");
  }

  public static void requireImage(String image) {
    require(exec(List.of("docker", "image", "inspect", image)).ok(), "the image " + image);
  }

  /**
   * Removes the datasets and containers of earlier runs whose JVM no longer runs (killed runs),
   * never those of a run still alive.
   */
  public static synchronized void sweepDeadRuns() {
    if (!swept) {
      swept = true;
      sweepNow();
    }
  }

  /** {@link #sweepDeadRuns()} without the once-per-JVM guard. */
  public static void sweepNow() {
    Result containers = exec(List.of("docker", "ps", "-a", "--filter", "label=" + RUN_LABEL,
        "--format", "{{.ID}} {{.Label \"" + RUN_LABEL + "\"}}"));
    for (String line : containers.lines()) {
      String[] parts = line.split(" ");
      if (parts.length == 2 && isDead(parts[1])) {
        exec(List.of("docker", "rm", "-f", "-v", parts[0]));
      }
    }
    Result networks = exec(List.of("docker", "network", "ls", "--filter", "label=" + RUN_LABEL,
        "--format", "{{.ID}} {{.Label \"" + RUN_LABEL + "\"}}"));
    for (String line : networks.lines()) {
      String[] parts = line.split(" ");
      if (parts.length == 2 && isDead(parts[1])) {
        exec(List.of("docker", "network", "rm", parts[0]));
      }
    }
    for (String namespace : NetworkNamespace.list()) {
      if (namespace.startsWith("it-") && isDead(namespace)) {
        NetworkNamespace.remove(namespace);
      }
    }
    File[] mountDirs = MOUNT_ROOT.toFile().listFiles();
    for (File dir : mountDirs == null ? new File[0] : mountDirs) {
      if (isDead(dir.getName())) {
        deleteTree(dir.toPath());
      }
    }
    Result datasets = exec(List.of("zfs", "list", "-H", "-o", "name", "-d", "1", "-t", "filesystem", POOL));
    for (String dataset : datasets.lines()) {
      String leaf = dataset.substring(dataset.lastIndexOf('/') + 1);
      if (dataset.startsWith(POOL + "/it-") && isDead(leaf)) {
        destroyRecursively(dataset);
      }
    }
  }

  /**
   * Destroys a test run's or a benchmark's dataset with everything under it and every clone of it,
   * unmounting each first and retrying while ZFS says it is busy.
   */
  public static void destroyRecursively(String dataset) {
    if (!dataset.startsWith(POOL + "/it-") && !dataset.startsWith(POOL + "/bench-")) {
      throw new IllegalArgumentException("refusing to destroy " + dataset + ": not a test run's or benchmark's dataset");
    }
    List<String> mountpoints = exec(List.of("zfs", "get", "-H", "-r", "-o", "value", "mountpoint", dataset)).lines();
    // zfs-fuse stays busy for a while after an unmount that was cut short (a server stopped mid-delete),
    // longer on a loaded host: retry for up to a minute
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (System.nanoTime() < deadline) {
      List<String> children = new ArrayList<>(exec(List.of("zfs", "list", "-H", "-o", "name", "-r", dataset)).lines());
      java.util.Collections.reverse(children);
      children.forEach(child -> exec(List.of("zfs", "unmount", "-f", child)));
      Result r = exec(List.of("zfs", "destroy", "-R", "-f", dataset));
      if (r.ok() || r.stderr().contains("does not exist")) {
        // ZFS leaves the (now empty) mount-point directories behind
        mountpoints.stream().filter(m -> m.startsWith("/")).sorted(java.util.Comparator.reverseOrder())
            .forEach(m -> new java.io.File(m).delete());
        return;
      }
      sleep(200);
    }
    throw new IllegalStateException("could not destroy " + dataset + " within a minute: "
        + exec(List.of("zfs", "destroy", "-R", "-f", dataset)).stderr().strip());
  }

  /**
   * Runs {@code zfs args…} on the test pool and returns its output; fails the test when it fails.
   * Retries for a few seconds while zfs-fuse says "busy", as it does for a moment after an unmount.
   */
  public static String zfs(String... args) {
    List<String> command = new ArrayList<>(List.of("zfs"));
    command.addAll(List.of(args));
    Result r = exec(command);
    for (int attempt = 1; !r.ok() && r.stderr().contains("busy") && attempt < 20; attempt++) {
      sleep(200);
      r = exec(command);
    }
    if (!r.ok()) {
      throw new AssertionError(command + " failed (exit " + r.exitCode() + "): " + r.stderr().strip());
    }
    return r.stdout();
  }

  /** Deletes a directory tree that holds no mounts any more (a mount point refuses, and is kept). */
  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | java.io.UncheckedIOException e) {
      // best effort: what is left is swept by a later run
    }
  }

  private static boolean isDead(String runId) {
    Matcher m = RUN_ID.matcher(runId);
    return m.matches() && !runId.startsWith(RUN) && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty();
  }

  /** Output of a command run by {@link #exec}. */
  public record Result(int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }

    public List<String> lines() {
      return stdout.isBlank() ? List.of() : List.of(stdout.strip().split("\n"));
    }
  }

  /** Runs a command (an argument list, never a shell) with a 2-minute limit. */
  public static Result exec(List<String> command) {
    return exec(command, Duration.ofMinutes(2));
  }

  public static Result exec(List<String> command, Duration timeout) {
    try {
      Process process = new ProcessBuilder(new ArrayList<>(command)).start();
      process.getOutputStream().close();
      var out = process.getInputStream();
      var err = process.getErrorStream();
      var stdout = new java.util.concurrent.CompletableFuture<String>();
      var stderr = new java.util.concurrent.CompletableFuture<String>();
      new Thread(() -> stdout.complete(read(out))).start();
      new Thread(() -> stderr.complete(read(err))).start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return new Result(-1, "", "timed out after " + timeout + ": " + command);
      }
      return new Result(process.exitValue(), stdout.join(), stderr.join());
    } catch (IOException e) {
      return new Result(-1, "", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "", "interrupted");
    }
  }

  private static String read(java.io.InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  private static String randomHex() {
    byte[] bytes = new byte[3];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
