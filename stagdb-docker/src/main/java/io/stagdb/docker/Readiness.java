package io.stagdb.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.model.Credentials;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Waits until a container's engine accepts a real login in its own protocol, and fails early, with
 * the engine's last log lines, when it exits or Docker keeps restarting it (a setting the engine
 * refuses is named as the user's to fix). Where the engine's files on this host say it is not up
 * yet, no login is tried, for at most {@link #GATE}: each early try costs a starting engine a
 * process of its own.
 */
final class Readiness {
  /** Between login attempts while an engine starts: its start is measured in tens of milliseconds. */
  private static final long POLL_MILLIS = 10;
  /** Between looks at the engine's own files, which cost a read and no process. */
  private static final long GATE_POLL_MILLIS = 2;
  /** How long the engine's files may hold logins back: after that, logins are tried in any case. */
  private static final Duration GATE = Duration.ofSeconds(2);
  /** How often the wait also asks Docker whether the engine has exited. */
  private static final long CRASH_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final int LOG_LINES_IN_ERRORS = 20;

  private final DockerClient docker;
  private final ContainerLogs logs;

  Readiness(DockerClient docker, ContainerLogs logs) {
    this.docker = docker;
    this.logs = logs;
  }

  void await(ContainerFacts f, Credentials credentials, Duration timeout) {
    EngineClient client = EngineClient.of(f.engine());
    long started = System.nanoTime();
    long deadline = started + timeout.toNanos();
    long gateEnds = started + GATE.toNanos();
    long nextCrashCheck = started + CRASH_CHECK_NANOS;
    String last = "no answer yet";
    Integer restarts = null;
    while (true) {
      if (System.nanoTime() >= nextCrashCheck) {
        InspectContainerResponse now = DockerErrors.call("inspect " + f.name(),
            () -> docker.inspectContainerCmd(f.container()).exec());
        InspectContainerResponse.ContainerState state = now.getState();
        boolean alive = Boolean.TRUE.equals(state.getRunning()) || Boolean.TRUE.equals(state.getRestarting());
        if (!alive || (restarts != null && restartCount(now) > restarts)) {
          // a crash loop (Docker restarting an engine that keeps exiting) fails now, not at the timeout
          String tail = logs.tail(f.container(), LOG_LINES_IN_ERRORS);
          EngineProfile.settingRefused(tail).ifPresent(refused -> {
            throw refused;   // a bad config.settings entry: the user's to fix, named
          });
          throw new InfrastructureException(f.name() + " exited with code " + state.getExitCodeLong()
              + (alive ? " and Docker is restarting it" : "") + " before accepting connections; last log lines:\n" + tail);
        }
        restarts = restarts == null ? restartCount(now) : restarts;
        nextCrashCheck = System.nanoTime() + CRASH_CHECK_NANOS;
      }
      if (f.files() != null && System.nanoTime() < gateEnds && client.saysNotYet(f.files())) {
        pause(GATE_POLL_MILLIS);
        continue;
      }
      long left = deadline - System.nanoTime();
      try {
        client.login(f.endpoint(), credentials, Duration.ofMillis(Math.max(500, Math.min(2000, left / 1_000_000))));
        return;
      } catch (EngineClient.Refused e) {
        throw new InfrastructureException(f.name() + " is up but " + e.getMessage());
      } catch (EngineClient.NotYet e) {
        last = e.getMessage();
      }
      if (System.nanoTime() > deadline) {
        throw new InfrastructureException(f.name() + " did not accept connections within " + timeout
            + " (" + last + "); last log lines:\n" + logs.tail(f.container(), LOG_LINES_IN_ERRORS));
      }
      pause(POLL_MILLIS);
    }
  }

  private static int restartCount(InspectContainerResponse inspected) {
    return inspected.getRestartCount() == null ? 0 : inspected.getRestartCount();
  }

  /** Sleeps between two looks at a container; an interrupt fails the wait. */
  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InfrastructureException("interrupted while waiting for the engine", e);
    }
  }
}
