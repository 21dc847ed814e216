package io.stagdb.domain.service;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.model.SnapshotName;
import io.stagdb.domain.port.in.CreateBranch;
import io.stagdb.domain.port.in.CreateDatabase;
import io.stagdb.domain.port.in.DatabaseFilter;
import io.stagdb.domain.port.in.DatabaseStats;
import io.stagdb.domain.port.in.Offer;
import io.stagdb.domain.port.in.StagDb;
import io.stagdb.domain.port.out.Catalog;
import io.stagdb.domain.port.out.ContainerState;
import io.stagdb.domain.port.out.DatabaseRuntime;
import io.stagdb.domain.port.out.LogFollower;
import io.stagdb.domain.port.out.OperationObserver;
import io.stagdb.domain.port.out.SecretGenerator;
import io.stagdb.domain.port.out.VolumeStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The use cases of stagDB on top of the ports, one flow per class behind this facade: databases
 * ({@link DatabaseLifecycle}), snapshots ({@link Snapshots}), branches ({@link Branching}), all
 * made of the steps of {@link Provisioning} and {@link Removal}. Every multi-step operation undoes
 * its completed steps on failure; every operation takes the names it works on at once, with a
 * bounded wait, so operations on the same names are serialised and none can wait for another
 * forever.
 */
public final class StagDbService implements StagDb, AutoCloseable {
  private final Provisioning provisioning;
  private final Removal removal;
  private final DatabaseLifecycle databases;
  private final Snapshots snapshots;
  private final Branching branching;
  private final DumpImports dumpImports;
  private final LiveImports liveImports;
  private final Refreshes refreshes;
  private final io.stagdb.domain.port.out.Schedules schedules;

  public StagDbService(VolumeStore volumes, DatabaseRuntime runtime, Catalog catalog, SecretGenerator secrets,
                       Clock clock, StagDbSettings settings) {
    this(volumes, runtime, catalog, secrets, clock, settings, OperationObserver.NONE);
  }

  /** With {@code observer} told how long each operation took (the server's metrics). */
  public StagDbService(VolumeStore volumes, DatabaseRuntime runtime, Catalog catalog, SecretGenerator secrets,
                       Clock clock, StagDbSettings settings, OperationObserver observer) {
    this(volumes, runtime, catalog, secrets, clock, settings, observer, io.stagdb.domain.port.out.Schedules.NONE);
  }

  /** With {@code schedules} reading the refresh schedules of imported databases. */
  public StagDbService(VolumeStore volumes, DatabaseRuntime runtime, Catalog catalog, SecretGenerator secrets,
                       Clock clock, StagDbSettings settings, OperationObserver observer,
                       io.stagdb.domain.port.out.Schedules schedules) {
    this.schedules = Objects.requireNonNull(schedules, "schedules");
    this.provisioning = new Provisioning(Objects.requireNonNull(volumes, "volumes"),
        Objects.requireNonNull(runtime, "runtime"), Objects.requireNonNull(catalog, "catalog"),
        Objects.requireNonNull(secrets, "secrets"), Objects.requireNonNull(clock, "clock"),
        Objects.requireNonNull(settings, "settings"), Objects.requireNonNull(observer, "observer"));
    Validation validation = new Validation(settings, clock);
    this.removal = new Removal(provisioning);
    this.liveImports = new LiveImports(provisioning);
    this.databases = new DatabaseLifecycle(provisioning, removal, validation, liveImports);
    this.snapshots = new Snapshots(provisioning, removal);
    this.branching = new Branching(provisioning, removal, validation, new Standbys(provisioning));
    this.dumpImports = new DumpImports(provisioning);
    this.refreshes = new Refreshes(provisioning, databases, liveImports, removal, snapshots, schedules);
  }

  /** The reconciler for this service's ports, repairing through the same steps and names. */
  public Reconciler reconciler(boolean removeOrphans) {
    return new Reconciler(provisioning, removal, removeOrphans);
  }

  // ---- databases ----

  @Override
  public Database create(CreateDatabase request) {
    checkSchedule(request);
    return provisioning.observed("create", () -> databases.create(request));
  }

  @Override
  public Database createInBackground(CreateDatabase request) {
    checkSchedule(request);
    return databases.createInBackground(request);
  }

  private void checkSchedule(CreateDatabase request) {
    if (request.refresh() != null && request.refresh().schedule() != null) {
      schedules.check("source.refresh", request.refresh().schedule());
    }
  }

  @Override
  public Database refresh(DatabaseName database) {
    return provisioning.observed("refresh", () -> refreshes.refresh(database));
  }

  @Override
  public Database refreshInBackground(DatabaseName database) {
    return refreshes.refreshInBackground(database);
  }

  @Override
  public void refreshDue() {
    refreshes.refreshDue();
  }

  @Override
  public Database get(DatabaseName name) {
    return databases.get(name);
  }

  @Override
  public java.util.Optional<io.stagdb.domain.port.in.ImportProgress> importProgress(Database database) {
    return liveImports.progress(database.id());
  }

  @Override
  public List<Database> list(DatabaseFilter filter) {
    return databases.list(filter);
  }

  @Override
  public Database start(DatabaseName name) {
    return databases.start(name);
  }

  @Override
  public Database stop(DatabaseName name) {
    return databases.stop(name);
  }

  @Override
  public Database restart(DatabaseName name) {
    return databases.restart(name);
  }

  @Override
  public void delete(DatabaseName name, boolean cascade) {
    provisioning.observed("delete", () -> {
      databases.delete(name, cascade);
      return null;
    });
  }

  @Override
  public Database deleteInBackground(DatabaseName name, boolean cascade) {
    return databases.deleteInBackground(name, cascade);
  }

  // ---- snapshots ----

  @Override
  public Snapshot snapshot(DatabaseName database, SnapshotName name) {
    return provisioning.observed("snapshot", () -> snapshots.snapshot(database, name));
  }

  @Override
  public Snapshot getSnapshot(SnapshotName name) {
    return snapshots.get(name);
  }

  @Override
  public List<Snapshot> snapshots(DatabaseName database) {
    return snapshots.list(database);
  }

  @Override
  public void deleteSnapshot(SnapshotName name, boolean cascade) {
    snapshots.delete(name, cascade);
  }

  // ---- branches ----

  @Override
  public Database branchFromDatabase(DatabaseName source, CreateBranch request) {
    return provisioning.observed("branch", () -> branching.fromDatabase(source, request));
  }

  @Override
  public Database branchFromSnapshot(SnapshotName source, CreateBranch request) {
    return provisioning.observed("branch", () -> branching.fromSnapshot(source, request));
  }

  @Override
  public Database reset(DatabaseName branch, SnapshotName snapshot) {
    return provisioning.observed("reset", () -> branching.reset(branch, snapshot));
  }

  @Override
  public io.stagdb.domain.port.in.DumpImport importDump(DatabaseName name, java.io.InputStream dump) {
    return provisioning.observed("import", () -> dumpImports.importDump(name, dump));
  }

  @Override
  public Database recycle(DatabaseName branch) {
    return provisioning.observed("recycle", () -> branching.recycle(branch));
  }

  /**
   * {@inheritDoc} A branch another operation has (the recycle a test run's pool started as its test
   * ended, at the end of the run) is released in the background once that is done.
   */
  @Override
  public void release(DatabaseName branch) {
    try {
      releaseNow(branch, false);
    } catch (ConflictException busy) {
      if (busy.reason() != ConflictException.Reason.BUSY) {
        throw busy;
      }
      databases.get(branch);   // an unknown name is told now, not logged in the background
      provisioning.background.submit("release " + branch, () -> releaseNow(branch, true));
    }
  }

  private void releaseNow(DatabaseName branch, boolean waitForIt) {
    if (branching.release(branch, waitForIt).isEmpty()) {
      databases.deleteInBackground(branch, false);
    }
  }

  // ---- monitoring ----

  @Override
  public DatabaseStats stats(DatabaseName name) {
    Database database = databases.get(name);
    boolean running = provisioning.runtime.state(database.id()) == ContainerState.RUNNING;
    return new DatabaseStats(running ? provisioning.runtime.stats(database.id()) : null,
        running ? provisioning.runtime.engineStats(database.id(), database.credentials()) : null,
        provisioning.volumes.usage(database.volume()));
  }

  @Override
  public Offer offer() {
    return new Offer(provisioning.runtime.images(), provisioning.settings.resources(), provisioning.settings.maxTtl());
  }

  @Override
  public String logs(DatabaseName name, int tail, Instant since) {
    return provisioning.runtime.logs(databases.get(name).id(), checkTail(tail), since);
  }

  @Override
  public LogFollower.Stream followLogs(DatabaseName name, int tail, Instant since, LogFollower follower) {
    return provisioning.runtime.followLogs(databases.get(name).id(), checkTail(tail), since, follower);
  }

  private static int checkTail(int tail) {
    if (tail < 0 || tail > 10_000) {
      throw new InvalidRequestException("tail", "must be between 0 and 10000 (got " + tail + ")");
    }
    return tail;
  }

  // ---- background jobs ----

  /** Deletes every branch whose TTL has passed; returns their names. Used by the reaper. */
  public List<DatabaseName> deleteExpired() {
    return databases.deleteExpired();
  }

  /** Marks RUNNING databases whose container crashed FAILED; returns their names. */
  public List<DatabaseName> detectCrashes() {
    return databases.detectCrashes();
  }

  /** Finishes deletions left half-done (a failed background step); returns how many finished. */
  public int finishPendingDeletions() {
    return removal.finishPending();
  }

  /** Waits until the work answered but not yet done (background creates and deletes) is done. */
  public boolean awaitBackgroundWork(Duration timeout) {
    return provisioning.background.awaitIdle(timeout);
  }

  /** Background work queued or running now. */
  public int backgroundWork() {
    return provisioning.background.pending();
  }

  /** Stops the background work (what is left is in the catalog, finished at the next start). */
  @Override
  public void close() {
    provisioning.background.close();
  }
}
