package io.stagdb.server;

import io.stagdb.domain.testkit.TestHost;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The faults the campaigns strike with, on the real host: a zfs call that fails (the server runs zfs
 * through a wrapper that fails on demand), a Docker engine restart, a killed engine process, a full
 * pool. Host-wide ones check first that nothing but tests would be hit ({@link HostGuard}).
 */
final class HostFaults implements AutoCloseable {
  private final Path wrapper;
  private final Path trigger;
  private final String ballast;

  HostFaults(Path dataDir, String ballastDataset) throws IOException {
    Files.createDirectories(dataDir);
    this.wrapper = dataDir.resolve("zfs-faulty");
    this.trigger = dataDir.resolve("zfs-fault");
    this.ballast = ballastDataset;
    Files.writeString(wrapper, """
        #!/bin/bash
        # The fault campaign's zfs: when the trigger file holds N, the call after N more changing calls fails.
        trigger="$(dirname "$0")/zfs-fault"
        case "$1" in
          create|clone|snapshot|destroy|rollback|mount)
            if [ -f "$trigger" ]; then
              n=$(cat "$trigger")
              if [ "$n" -le 0 ]; then
                rm -f "$trigger"
                echo "cannot $1 '${@: -1}': I/O error (injected by the fault campaign)" >&2
                exit 1
              fi
              echo $((n - 1)) > "$trigger"
            fi;;
        esac
        exec zfs "$@"
        """);
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
  }

  /** The zfs command the server under test must run ({@code zfs.command}). */
  String zfsCommand() {
    return wrapper.toString();
  }

  /** The zfs call after {@code n} more changing calls fails. */
  void failZfsAfter(int n) throws IOException {
    Files.writeString(trigger, Integer.toString(n));
  }

  /** Whether a planned zfs failure has not struck yet. */
  boolean zfsFailurePending() {
    return Files.exists(trigger);
  }

  void clearZfs() throws IOException {
    Files.deleteIfExists(trigger);
  }

  /** Restarts the Docker engine the way it runs here: systemd's unit, or the daemon host-setup started. */
  static void restartDocker() throws Exception {
    HostGuard.requireNothingElseOnTheHost("restart the Docker engine");
    if (TestHost.exec(List.of("systemctl", "is-active", "--quiet", "docker")).ok()) {
      mustRun(List.of("systemctl", "restart", "docker"));
    } else {
      for (String pid : TestHost.exec(List.of("pgrep", "-x", "dockerd")).lines()) {
        mustRun(List.of("kill", "-TERM", pid));
      }
      await(Duration.ofSeconds(90), "dockerd to exit", () -> !TestHost.exec(List.of("pgrep", "-x", "dockerd")).ok());
      File log = new File("/var/log/dockerd.log");
      new ProcessBuilder("setsid", "dockerd").redirectInput(new File("/dev/null"))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).redirectError(ProcessBuilder.Redirect.appendTo(log)).start();
    }
    awaitDocker();
  }

  static void awaitDocker() {
    await(Duration.ofSeconds(90), "the Docker engine", () -> TestHost.exec(List.of("docker", "info")).ok());
  }

  /** SIGKILLs the engine process inside one of {@code containers}, as the OOM killer would. */
  static void killAnEngine(List<String> containers, Random random) {
    if (containers.isEmpty()) {
      return;
    }
    String container = containers.get(random.nextInt(containers.size()));
    String pid = TestHost.exec(List.of("docker", "inspect", "-f", "{{.State.Pid}}", container)).stdout().strip();
    if (!pid.isEmpty() && !pid.equals("0")) {
      TestHost.exec(List.of("kill", "-KILL", pid));
    }
  }

  /** Takes every free byte of the pool with a reservation on a dataset of this run (swept if the run dies). */
  void fillPool() {
    HostGuard.requireNothingElseOnTheHost("fill the ZFS pool '" + TestHost.POOL + "'");
    // the engines write meanwhile: leave a little less each time the pool moved under us
    for (int attempt = 1; ; attempt++) {
      long available = Long.parseLong(TestHost.exec(List.of("zfs", "get", "-Hp", "-o", "value", "available",
          TestHost.POOL)).stdout().strip());
      long reserve = Math.max(0, available - ((long) attempt << 22));
      TestHost.Result r = TestHost.exec(List.of("zfs", "create", "-o", "mountpoint=none", "-o", "refreservation=" + reserve,
          ballast));
      if (r.ok()) {
        return;
      }
      if (attempt == 5) {
        throw new IllegalStateException("cannot fill the pool: " + r.stderr());
      }
    }
  }

  void releasePool() {
    if (TestHost.exec(List.of("zfs", "list", ballast)).ok()) {
      mustRun(List.of("zfs", "destroy", ballast));
    }
  }

  @Override
  public void close() throws IOException {
    clearZfs();
    releasePool();
  }

  static void mustRun(List<String> command) {
    TestHost.Result r = TestHost.exec(command, Duration.ofMinutes(2));
    if (!r.ok()) {
      throw new IllegalStateException(command + " failed: " + r.stderr());
    }
  }

  static void await(Duration timeout, String what, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("waited " + timeout.toSeconds() + " s for " + what);
      }
      sleep(250);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
