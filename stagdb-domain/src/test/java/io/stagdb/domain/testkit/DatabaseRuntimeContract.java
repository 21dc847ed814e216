package io.stagdb.domain.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.port.out.ContainerSpec;
import io.stagdb.domain.port.out.ContainerState;
import io.stagdb.domain.port.out.DatabaseRuntime;
import io.stagdb.domain.port.out.LogFollower;
import io.stagdb.domain.port.out.RuntimeStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DatabaseRuntime} must do, errors included. An implementation's test extends
 * this and supplies specs on fresh data directories; containers started here are removed afterwards.
 */
public abstract class DatabaseRuntimeContract {
  private final List<DatabaseId> started = new ArrayList<>();

  protected abstract DatabaseRuntime runtime();

  /** A spec for a new database on a fresh, empty data directory and a free host port. */
  protected abstract ContainerSpec newSpec();

  /** Makes the engine running {@code spec} write a log line that contains {@code marker}. */
  protected abstract void makeTheEngineLog(ContainerSpec spec, String marker);

  /** How long an engine may take to accept logins. */
  protected Duration readyTimeout() {
    return Duration.ofSeconds(60);
  }

  /** Runs a new database and waits until it is ready. */
  protected ContainerSpec runReady() {
    ContainerSpec spec = newSpec();
    runtime().run(spec);
    started.add(spec.id());
    runtime().awaitReady(spec.id(), spec.credentials(), readyTimeout());
    return spec;
  }

  @AfterEach
  void removeStartedContainers() {
    for (DatabaseId id : started) {
      if (runtime().state(id) != ContainerState.MISSING) {
        runtime().remove(id);
      }
    }
  }

  @Test
  void runsAnEngineThatAcceptsItsCredentials() {
    ContainerSpec spec = runReady();
    assertThat(runtime().state(spec.id())).isEqualTo(ContainerState.RUNNING);
    assertThat(runtime().list()).anySatisfy(c -> {
      assertThat(c.id()).isEqualTo(spec.id());
      assertThat(c.state()).isEqualTo(ContainerState.RUNNING);
    });
    assertThat(runtime().logs(spec.id(), 50, null)).isNotBlank();
  }

  @Test
  void followingALogHandsOverTheTailThenNewLinesAndEndsWhenTheContainerStops() throws Exception {
    ContainerSpec spec = runReady();
    RecordingLogFollower follower = new RecordingLogFollower();
    try (LogFollower.Stream stream = runtime().followLogs(spec.id(), 50, null, follower)) {
      follower.awaitText("ready to accept connections", Duration.ofSeconds(10));
      String marker = "no_such_table_" + Long.toHexString(System.nanoTime());
      makeTheEngineLog(spec, marker);
      follower.awaitText(marker, Duration.ofSeconds(10));
      assertThat(follower.hasEnded()).isFalse();

      runtime().stop(spec.id());
      assertThat(follower.awaitEnd(Duration.ofSeconds(30))).isNotBlank();
    }
    assertThat(follower.text()).doesNotContain("ended twice");
  }

  @Test
  void closingAFollowedLogEndsItWhileTheEngineRuns() throws Exception {
    ContainerSpec spec = runReady();
    RecordingLogFollower follower = new RecordingLogFollower();
    LogFollower.Stream stream = runtime().followLogs(spec.id(), 0, null, follower);
    stream.close();
    assertThat(follower.awaitEnd(Duration.ofSeconds(10))).isNotBlank();
    String marker = "after_close_" + Long.toHexString(System.nanoTime());
    makeTheEngineLog(spec, marker);
    Thread.sleep(500);   // a stream that was not really closed would deliver the line by now
    assertThat(follower.text()).doesNotContain(marker).doesNotContain("ended twice");
    assertThat(runtime().state(spec.id())).isEqualTo(ContainerState.RUNNING);
  }

  @Test
  void refusesASecondContainerForTheSameDatabase() {
    ContainerSpec spec = runReady();
    assertThatThrownBy(() -> runtime().run(spec)).isInstanceOf(ConflictException.class);
  }

  @Test
  void refusesWrongCredentials() {
    ContainerSpec spec = runReady();
    assertThatThrownBy(() -> runtime().awaitReady(spec.id(), spec.credentials().withPassword("wrong"),
        Duration.ofSeconds(2))).isInstanceOf(InfrastructureException.class);
  }

  @Test
  void rotatesThePassword() {
    ContainerSpec spec = runReady();
    runtime().rotatePassword(spec.id(), spec.credentials(), "rotated1234567890");
    runtime().awaitReady(spec.id(), spec.credentials().withPassword("rotated1234567890"), readyTimeout());
    assertThatThrownBy(() -> runtime().awaitReady(spec.id(), spec.credentials(), Duration.ofSeconds(2)))
        .isInstanceOf(InfrastructureException.class);
  }

  @Test
  void stopsAndStartsIdempotently() {
    ContainerSpec spec = runReady();
    runtime().stop(spec.id());
    runtime().stop(spec.id());
    assertThat(runtime().state(spec.id())).isEqualTo(ContainerState.STOPPED);
    runtime().start(spec.id());
    runtime().start(spec.id());
    runtime().awaitReady(spec.id(), spec.credentials(), readyTimeout());
    assertThat(runtime().state(spec.id())).isEqualTo(ContainerState.RUNNING);
  }

  /** Runs a new restartable database (its engine can be halted inside a running container) until ready. */
  @Test
  void aContainerOnAVolumeOfNoGroupIsNotMoved() {
    ContainerSpec spec = runReadyRestartable();
    assertThat(runtime().movable(spec.id())).isFalse();
    runtime().halt(spec.id(), false);
    assertThat(runtime().relocate(spec.id(), spec.dataPath().resolveSibling("elsewhere"))).isFalse();
    runtime().resume(spec.id());
    runtime().awaitReady(spec.id(), spec.credentials(), readyTimeout());
    assertThat(runtime().list()).filteredOn(c -> c.id().equals(spec.id())).singleElement()
        .satisfies(c -> assertThat(c.dataPath()).isEqualTo(spec.dataPath()));
  }

  protected ContainerSpec runReadyRestartable() {
    ContainerSpec plain = newSpec();
    ContainerSpec spec = new ContainerSpec(plain.id(), plain.name(), plain.engine(), plain.resources(), plain.hostPort(),
        plain.credentials(), plain.env(), plain.dataPath(), plain.labels(), true);
    runtime().run(spec);
    started.add(spec.id());
    runtime().awaitReady(spec.id(), spec.credentials(), readyTimeout());
    return spec;
  }

  @Test
  void aRestartableEngineHaltsAndResumesInsideItsContainer() {
    ContainerSpec spec = runReadyRestartable();
    assertThat(runtime().restartable(spec.id())).isTrue();
    runtime().rotatePassword(spec.id(), spec.credentials(), "kept-over-a-halt-123");
    var own = spec.credentials().withPassword("kept-over-a-halt-123");
    for (boolean cleanly : new boolean[] {true, false}) {
      runtime().halt(spec.id(), cleanly);
      assertThat(runtime().state(spec.id())).as("halted, cleanly=" + cleanly).isEqualTo(ContainerState.HELD);
      assertThat(runtime().list()).filteredOn(c -> c.id().equals(spec.id())).singleElement()
          .satisfies(c -> assertThat(c.state()).isEqualTo(ContainerState.HELD));
      assertThatThrownBy(() -> runtime().awaitReady(spec.id(), own, Duration.ofSeconds(1)))
          .as("no engine answers while halted").isInstanceOf(InfrastructureException.class);
      runtime().halt(spec.id(), cleanly);   // idempotent
      runtime().resume(spec.id());
      runtime().awaitReady(spec.id(), own, readyTimeout());
      assertThat(runtime().state(spec.id())).isEqualTo(ContainerState.RUNNING);
      runtime().resume(spec.id());   // idempotent
    }
    runtime().stop(spec.id());   // a held container still stops (and starts) as any other
    assertThat(runtime().state(spec.id())).isEqualTo(ContainerState.STOPPED);
    runtime().start(spec.id());
    runtime().awaitReady(spec.id(), own, readyTimeout());
  }

  @Test
  void aRenamedContainerKeepsRunningAndAnswering() {
    ContainerSpec spec = runReady();
    runtime().rename(spec.id(), io.stagdb.domain.model.DatabaseName.of("renamed-" + spec.name().value()));
    assertThat(runtime().state(spec.id())).isEqualTo(ContainerState.RUNNING);
    assertThat(runtime().list()).filteredOn(c -> c.id().equals(spec.id())).singleElement()
        .satisfies(c -> assertThat(c.name()).contains("renamed-" + spec.name().value()));
    runtime().awaitReady(spec.id(), spec.credentials(), readyTimeout());
  }

  @Test
  void anyOtherContainerIsStoppedByAHaltAndStartedByAResume() {
    ContainerSpec spec = runReady();
    assertThat(runtime().restartable(spec.id())).isFalse();
    assertThat(runtime().restartable(newSpec().id())).as("no container").isFalse();
    runtime().halt(spec.id(), false);
    assertThat(runtime().state(spec.id())).isIn(ContainerState.STOPPED, ContainerState.CRASHED);
    runtime().resume(spec.id());
    runtime().awaitReady(spec.id(), spec.credentials(), readyTimeout());
    assertThat(runtime().state(spec.id())).isEqualTo(ContainerState.RUNNING);
  }

  @Test
  void quiescesAndLetsGo() {
    ContainerSpec spec = runReady();
    try (DatabaseRuntime.Quiesced quiesced = runtime().quiesce(spec.id(), spec.credentials())) {
      assertThat(quiesced).isNotNull();
    }
    runtime().awaitReady(spec.id(), spec.credentials(), readyTimeout());
  }

  @Test
  void reportsStatsWithTheMemoryLimit() {
    ContainerSpec spec = runReady();
    RuntimeStats stats = runtime().stats(spec.id());
    assertThat(stats.memoryLimitBytes()).isEqualTo(spec.resources().memoryBytes());
    assertThat(stats.memoryUsedBytes()).isPositive();
  }

  @Test
  void reportsTheEngineSizeAndItsSessions() {
    ContainerSpec spec = runReady();
    io.stagdb.domain.port.out.EngineStats stats = runtime().engineStats(spec.id(), spec.credentials());
    assertThat(stats.sizeBytes()).isPositive();
    assertThat(stats.connections()).isPositive();
  }

  @Test
  void removesAndThenReportsMissing() {
    ContainerSpec spec = runReady();
    runtime().remove(spec.id());
    assertThat(runtime().state(spec.id())).isEqualTo(ContainerState.MISSING);
    assertThat(runtime().list()).noneMatch(c -> c.id().equals(spec.id()));
    assertThatThrownBy(() -> runtime().remove(spec.id())).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> runtime().start(spec.id())).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> runtime().stats(spec.id())).isInstanceOf(NotFoundException.class);
  }

  @Test
  void unknownDatabasesAreMissing() {
    DatabaseId unknown = DatabaseId.random();
    assertThat(runtime().state(unknown)).isEqualTo(ContainerState.MISSING);
    assertThatThrownBy(() -> runtime().stop(unknown)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> runtime().logs(unknown, 10, null)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> runtime().followLogs(unknown, 10, null, new RecordingLogFollower()))
        .isInstanceOf(NotFoundException.class);
  }
}
