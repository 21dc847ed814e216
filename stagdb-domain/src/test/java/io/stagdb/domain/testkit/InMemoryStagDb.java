package io.stagdb.domain.testkit;

import io.stagdb.domain.port.out.VolumeInfo;
import io.stagdb.domain.service.Reconciler;
import io.stagdb.domain.service.StagDbService;
import io.stagdb.domain.service.StagDbSettings;
import java.nio.file.Path;
import java.util.List;

/** The domain service wired to in-memory ports that share one {@link Faults}; for tests of the domain and of inbound adapters. */
public final class InMemoryStagDb {
  public final Faults faults = new Faults();
  public final MutableClock clock = MutableClock.startingAt("2026-11-25T10:00:00Z");
  public final InMemoryVolumeStore volumes;
  public final InMemoryDatabaseRuntime runtime = new InMemoryDatabaseRuntime(faults);
  public final InMemoryCatalog catalog = new InMemoryCatalog(faults);
  public final StagDbService service;
  private final StagDbSettings settings;

  public InMemoryStagDb(Path volumeDir, StagDbSettings settings) {
    this.volumes = new InMemoryVolumeStore(volumeDir, faults);
    this.service = new StagDbService(volumes, runtime, catalog, new CountingSecrets(), clock, settings,
        io.stagdb.domain.port.out.OperationObserver.NONE, SCHEDULES);
    this.settings = settings;
  }

  /** Schedules for tests: {@code every 90m} is every 90 minutes from the last time; anything else is refused. */
  public static final io.stagdb.domain.port.out.Schedules SCHEDULES = new io.stagdb.domain.port.out.Schedules() {
    @Override
    public void check(String field, String expression) {
      if (!expression.matches("every \\d+m")) {
        throw new io.stagdb.domain.error.InvalidRequestException(field, "is not a schedule: '" + expression + "'");
      }
    }

    @Override
    public java.time.Instant next(String expression, java.time.Instant after) {
      return after.plus(java.time.Duration.ofMinutes(Long.parseLong(expression.replaceAll("\\D", ""))));
    }
  };

  /** Another service over the same catalog, volumes and containers, as a server started again after a crash finds them. */
  public StagDbService restarted() {
    return new StagDbService(volumes, runtime, catalog, new CountingSecrets(), clock, settings,
        io.stagdb.domain.port.out.OperationObserver.NONE, SCHEDULES);
  }

  public InMemoryStagDb(Path volumeDir) {
    this(volumeDir, StagDbSettings.defaults());
  }

  public Reconciler reconciler(boolean removeOrphans) {
    return service.reconciler(removeOrphans);
  }

  /** Volume names that exist (snapshots left out). */
  public List<String> volumeNames() {
    return volumes.list().stream().filter(i -> !i.isSnapshot()).map(VolumeInfo::volume).sorted().toList();
  }

  /** Volume snapshots that exist, as {@code volume@snapshot}. */
  public List<String> volumeSnapshots() {
    return volumes.list().stream().filter(VolumeInfo::isSnapshot).map(i -> i.volume() + "@" + i.snapshot()).sorted().toList();
  }
}
