package io.stagdb.domain.service;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.DatabaseStatus;
import io.stagdb.domain.model.Event;
import io.stagdb.domain.model.EventType;
import io.stagdb.domain.model.Resources;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.model.SnapshotId;
import io.stagdb.domain.model.SnapshotName;
import io.stagdb.domain.port.in.CreateBranch;
import io.stagdb.domain.port.in.CreateDatabase;
import io.stagdb.domain.port.in.DatabaseFilter;
import io.stagdb.domain.port.in.DatabaseStats;
import io.stagdb.domain.port.in.StagDb;
import io.stagdb.domain.port.out.Catalog;
import io.stagdb.domain.port.out.LogFollower;
import io.stagdb.domain.port.out.CatalogReader;
import io.stagdb.domain.port.out.ContainerSpec;
import io.stagdb.domain.port.out.ContainerState;
import io.stagdb.domain.port.out.DatabaseRuntime;
import io.stagdb.domain.port.out.ManagedContainer;
import io.stagdb.domain.port.out.SecretGenerator;
import io.stagdb.domain.port.out.VolumeStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The use cases of stagDB on top of the ports. Every multi-step operation registers an undo for
 * each completed step and rolls back in reverse on failure, so nothing leaks; operations on the
 * same name are serialised, operations on different names run in parallel.
 */
public final class StagDbService implements StagDb {
  private static final System.Logger LOG = System.getLogger(StagDbService.class.getName());
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Pattern LABEL_KEY = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?");
  private static final int MAX_LABELS = 20;
  private static final int MAX_ENV = 100;
  private static final int MAX_SCRIPTS = 100;
  private static final int MAX_SCRIPT_CHARS = 1 << 20;
  private static final int MAX_PORT_RETRIES = 10;

  private final VolumeStore volumes;
  private final DatabaseRuntime runtime;
  private final Catalog catalog;
  private final SecretGenerator secrets;
  private final Clock clock;
  private final StagDbSettings settings;
  private final KeyedLocks locks = new KeyedLocks();

  public StagDbService(VolumeStore volumes, DatabaseRuntime runtime, Catalog catalog, SecretGenerator secrets,
                       Clock clock, StagDbSettings settings) {
    this.volumes = Objects.requireNonNull(volumes, "volumes");
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.secrets = Objects.requireNonNull(secrets, "secrets");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  // ---- databases ------------------------------------------------------------------------------

  @Override
  public Database create(CreateDatabase request) {
    Resources resources = settings.resources().resolve("config.", request.resources());
    checkEnv(request.env());
    checkScripts(request.initScripts());
    checkLabels(request.labels());
    Integer port = checkPort(request.port());
    Instant expiresAt = expiry(request.ttl());
    return locked(List.of(dbKey(request.name())), () -> {
      Instant now = clock.instant();
      DatabaseId id = DatabaseId.random();
      Credentials credentials = new Credentials(request.engine().engine().defaultUser(), secrets.password(),
          request.engine().engine().defaultDatabase());
      Database draft = new Database(id, request.name(), request.engine(), DatabaseStatus.CREATING, resources, 0,
          credentials, request.env(), request.initScripts(), id.value(), null, expiresAt, request.labels(), null,
          now, now);
      Undo undo = new Undo();
      try {
        Database reserved = reserve(draft, port, undo);
        Path data = volumes.create(reserved.volume(), resources.storageBytes());
        undo.push(() -> volumes.destroy(reserved.volume(), false));
        Database running = runContainer(reserved, data, port != null, undo);
        runtime.awaitReady(id, credentials, settings.readyTimeout());
        runtime.runScripts(id, credentials, running.initScripts());
        return markRunning(running, EventType.DATABASE_CREATED, Map.of());
      } catch (RuntimeException e) {
        throw undo.rollback(e);
      }
    });
  }

  @Override
  public Database get(DatabaseName name) {
    return requireDatabase(catalog, name);
  }

  @Override
  public List<Database> list(DatabaseFilter filter) {
    Set<SnapshotId> origins = new HashSet<>();
    if (filter.origin() != null) {
      catalog.findSnapshot(filter.origin()).ifPresent(s -> origins.add(s.id()));
      if (origins.isEmpty()) {
        return List.of();
      }
    }
    return catalog.databases().stream()
        .filter(d -> filter.engine() == null || d.engine().engine() == filter.engine())
        .filter(d -> filter.status() == null || d.status() == filter.status())
        .filter(d -> filter.origin() == null || origins.contains(d.origin()))
        .toList();
  }

  @Override
  public Database start(DatabaseName name) {
    return locked(List.of(dbKey(name)), () -> startLocked(requireDatabase(catalog, name)));
  }

  private Database startLocked(Database database) {
    requireUsable(database);
    ContainerState state = runtime.state(database.id());
    if (database.status() == DatabaseStatus.RUNNING && state == ContainerState.RUNNING) {
      return database;
    }
    try {
      Path data = volumes.mount(database.volume());
      if (state == ContainerState.MISSING) {
        runtime.run(spec(database, data));
      } else {
        runtime.start(database.id());
      }
      runtime.awaitReady(database.id(), database.credentials(), settings.readyTimeout());
    } catch (RuntimeException e) {
      markFailed(database, "start failed: " + e.getMessage());
      throw e;
    }
    return markRunning(database, EventType.DATABASE_STARTED, Map.of());
  }

  @Override
  public Database stop(DatabaseName name) {
    return locked(List.of(dbKey(name)), () -> stopLocked(requireDatabase(catalog, name)));
  }

  private Database stopLocked(Database database) {
    requireUsable(database);
    if (database.status() == DatabaseStatus.STOPPED) {
      return database;
    }
    if (runtime.state(database.id()) != ContainerState.MISSING) {
      runtime.stop(database.id());
    }
    return transition(database, DatabaseStatus.STOPPED, null, EventType.DATABASE_STOPPED);
  }

  @Override
  public Database restart(DatabaseName name) {
    return locked(List.of(dbKey(name)), () -> startLocked(stopLocked(requireDatabase(catalog, name))));
  }

  @Override
  public void delete(DatabaseName name, boolean cascade) {
    locked(List.of(dbKey(name)), () -> {
      deleteLocked(requireDatabase(catalog, name), cascade);
      return null;
    });
  }

  /**
   * Deletes a database the caller has locked: refuses (or, with cascade, first deletes) dependent
   * branches, then marks it DELETING so a crash half-way is finished by the reconciler.
   */
  private void deleteLocked(Database database, boolean cascade) {
    List<Database> dependents = dependentsOf(database);
    if (!dependents.isEmpty()) {
      if (!cascade) {
        throw new ConflictException(ConflictException.Reason.HAS_DEPENDENTS,
            "database '" + database.name() + "' has branches of its snapshots: " + names(dependents)
                + "; delete them first or use cascade", names(dependents), null);
      }
      for (Database dependent : dependents) {
        locked(List.of(dbKey(dependent.name())), () -> {
          catalog.findDatabase(dependent.id()).ifPresent(d -> deleteLocked(d, true));
          return null;
        });
      }
    }
    Database deleting = database.status() == DatabaseStatus.DELETING ? database
        : catalog.transact(tx -> {
          Database d = database.withStatus(DatabaseStatus.DELETING, null, clock.instant());
          tx.update(d);
          return d;
        });
    finishDelete(deleting);
  }

  /**
   * Removes the container, the volumes and the rows of a database already marked DELETING: its
   * current volume and the earlier ones a reset left to the snapshots taken before it.
   */
  void finishDelete(Database database) {
    ignoreMissing(() -> runtime.remove(database.id()));
    List<Snapshot> own = catalog.snapshots().stream().filter(s -> s.database().equals(database.id())).toList();
    Set<String> ownVolumes = new LinkedHashSet<>();
    ownVolumes.add(database.volume());
    own.forEach(s -> ownVolumes.add(s.volume()));
    for (String volume : ownVolumes) {
      if (volumes.exists(volume)) {
        volumes.destroy(volume, false);
      }
    }
    catalog.transact(tx -> {
      Instant now = clock.instant();
      for (Snapshot snapshot : own) {
        tx.delete(snapshot.id());
        tx.emit(Event.of(EventType.SNAPSHOT_DELETED, now, snapshotData(snapshot)));
      }
      tx.delete(database.id());
      tx.emit(Event.of(EventType.DATABASE_DELETED, now, databaseData(database)));
      return null;
    });
    if (database.origin() != null) {
      afterCommit("drop the unused automatic snapshot of " + database.name(),
          () -> dropAutomaticSnapshotIfUnused(database.origin()));
    }
  }

  // ---- snapshots ------------------------------------------------------------------------------

  @Override
  public Snapshot snapshot(DatabaseName databaseName, SnapshotName name) {
    return locked(List.of(dbKey(databaseName), snapKey(name)), () -> {
      Database database = requireDatabase(catalog, databaseName);
      if (catalog.findSnapshot(name).isPresent()) {
        throw ConflictException.alreadyExists("snapshot", name.value());
      }
      return takeSnapshot(database, name, false);
    });
  }

  /** Snapshots a locked database (quiescing a running engine) and records it; undone on failure. */
  private Snapshot takeSnapshot(Database database, SnapshotName name, boolean automatic) {
    if (database.status() != DatabaseStatus.RUNNING && database.status() != DatabaseStatus.STOPPED) {
      throw new ConflictException(ConflictException.Reason.INVALID_STATE,
          "database '" + database.name() + "' is " + database.status() + "; only a running or stopped database can be snapshotted");
    }
    SnapshotId id = SnapshotId.random();
    Snapshot snapshot = new Snapshot(id, name, database.id(), database.name(), database.volume(), automatic,
        clock.instant());
    if (database.status() == DatabaseStatus.RUNNING) {
      try (DatabaseRuntime.Quiesced quiesced = runtime.quiesce(database.id(), database.credentials())) {
        volumes.snapshot(database.volume(), id.value());
      }
    } else {
      volumes.snapshot(database.volume(), id.value());
    }
    try {
      catalog.transact(tx -> {
        tx.insert(snapshot);
        tx.emit(Event.of(EventType.SNAPSHOT_CREATED, snapshot.createdAt(), snapshotData(snapshot)));
        return null;
      });
    } catch (RuntimeException e) {
      Undo undo = new Undo();
      undo.push(() -> volumes.destroySnapshot(database.volume(), id.value()));
      throw undo.rollback(e);
    }
    return snapshot;
  }

  @Override
  public Snapshot getSnapshot(SnapshotName name) {
    return requireSnapshot(catalog, name);
  }

  @Override
  public List<Snapshot> snapshots(DatabaseName database) {
    if (database == null) {
      return catalog.snapshots();
    }
    Database owner = requireDatabase(catalog, database);
    return catalog.snapshots().stream().filter(s -> s.database().equals(owner.id())).toList();
  }

  @Override
  public void deleteSnapshot(SnapshotName name, boolean cascade) {
    locked(List.of(snapKey(name)), () -> {
      Snapshot snapshot = requireSnapshot(catalog, name);
      List<Database> dependents = branchesOf(catalog, snapshot.id());
      if (!dependents.isEmpty()) {
        if (!cascade) {
          throw new ConflictException(ConflictException.Reason.HAS_DEPENDENTS,
              "snapshot '" + name + "' has branches: " + names(dependents) + "; delete them first or use cascade",
              names(dependents), null);
        }
        for (Database dependent : dependents) {
          // an automatic snapshot goes with its last branch; a named one stays until we drop it below
          delete(dependent.name(), true);
        }
      }
      catalog.findSnapshot(snapshot.id()).ifPresent(this::destroySnapshot);
      return null;
    });
  }

  private void destroySnapshot(Snapshot snapshot) {
    if (volumes.snapshotExists(snapshot.volume(), snapshot.id().value())) {
      volumes.destroySnapshot(snapshot.volume(), snapshot.id().value());
    }
    catalog.transact(tx -> {
      tx.delete(snapshot.id());
      tx.emit(Event.of(EventType.SNAPSHOT_DELETED, clock.instant(), snapshotData(snapshot)));
      return null;
    });
    afterCommit("destroy the earlier volume of " + snapshot.databaseName() + " that held only snapshot " + snapshot.name(),
        () -> destroyVolumeIfUnused(snapshot.volume()));
  }

  /**
   * Destroys a volume nothing uses: no database's current volume, and home to no catalogued
   * snapshot. A reset leaves the branch's earlier volume to the snapshots taken on it; the last of
   * them takes it along.
   */
  void destroyVolumeIfUnused(String volume) {
    boolean used = catalog.databases().stream().anyMatch(d -> d.volume().equals(volume))
        || catalog.snapshots().stream().anyMatch(s -> s.volume().equals(volume));
    if (!used && volumes.exists(volume)) {
      volumes.destroy(volume, false);
    }
  }

  /** Automatic snapshots exist only for their branches: the last branch takes its snapshot along. */
  void dropAutomaticSnapshotIfUnused(SnapshotId id) {
    catalog.findSnapshot(id).filter(Snapshot::automatic).ifPresent(snapshot ->
        locked(List.of(snapKey(snapshot.name())), () -> {
          if (catalog.findSnapshot(id).isPresent() && branchesOf(catalog, id).isEmpty()) {
            destroySnapshot(snapshot);
          }
          return null;
        }));
  }

  // ---- branches -------------------------------------------------------------------------------

  @Override
  public Database branchFromDatabase(DatabaseName source, CreateBranch request) {
    BranchPlan plan = planBranch(request);
    return locked(List.of(dbKey(source), dbKey(request.name())), () -> {
      Database origin = requireDatabase(catalog, source);
      requireNameFree(request.name());
      Snapshot automatic = takeSnapshot(origin, automaticSnapshotName(), true);
      try {
        return branchLocked(automatic, origin, request, plan);
      } catch (RuntimeException e) {
        Undo undo = new Undo();
        undo.push(() -> destroySnapshot(automatic));
        throw undo.rollback(e);
      }
    });
  }

  @Override
  public Database branchFromSnapshot(SnapshotName source, CreateBranch request) {
    BranchPlan plan = planBranch(request);
    return locked(List.of(snapKey(source), dbKey(request.name())), () -> {
      Snapshot snapshot = requireSnapshot(catalog, source);
      Database origin = catalog.findDatabase(snapshot.database())
          .orElseThrow(() -> new NotFoundException("database", snapshot.databaseName().value()));
      requireNameFree(request.name());
      return branchLocked(snapshot, origin, request, plan);
    });
  }

  private record BranchPlan(Integer port, Instant expiresAt) {
  }

  private BranchPlan planBranch(CreateBranch request) {
    checkLabels(request.labels());
    return new BranchPlan(checkPort(request.port()), expiry(request.ttl()));
  }

  /** reserve name+port → clone → run → wait ready → rotate password → RUNNING + event; undone on failure. */
  private Database branchLocked(Snapshot snapshot, Database origin, CreateBranch request, BranchPlan plan) {
    Resources resources = settings.resources().resolve("config.", request.resources(), origin.resources());
    Instant now = clock.instant();
    DatabaseId id = DatabaseId.random();
    Credentials inherited = origin.credentials();
    Credentials own = inherited.withPassword(secrets.password());
    Map<String, String> labels = new LinkedHashMap<>(origin.labels());
    labels.putAll(request.labels());
    Database draft = new Database(id, request.name(), origin.engine(), DatabaseStatus.CREATING, resources, 0, own,
        origin.env(), List.of(), id.value(), snapshot.id(), plan.expiresAt(), labels, null, now, now);
    Undo undo = new Undo();
    try {
      Database reserved = reserve(draft, plan.port(), undo);
      Path data = volumes.clone(snapshot.volume(), snapshot.id().value(), reserved.volume(), resources.storageBytes());
      undo.push(() -> volumes.destroy(reserved.volume(), false));
      Database running = runContainer(reserved, data, plan.port() != null, undo);
      runtime.awaitReady(id, inherited, settings.readyTimeout());
      runtime.rotatePassword(id, inherited, own.password());
      return markRunning(running, EventType.BRANCH_CREATED,
          Map.of("snapshot", snapshot.name().value(), "source", origin.name().value()));
    } catch (RuntimeException e) {
      throw undo.rollback(e);
    }
  }

  @Override
  public Database reset(DatabaseName branchName, SnapshotName snapshotName) {
    return locked(List.of(dbKey(branchName)), () -> {
      Database branch = requireDatabase(catalog, branchName);
      requireUsable(branch);
      if (!branch.isBranch()) {
        throw new ConflictException(ConflictException.Reason.INVALID_STATE,
            "'" + branchName + "' is not a branch; only branches can be reset");
      }
      Snapshot current = catalog.findSnapshot(branch.origin())
          .orElseThrow(() -> new NotFoundException("snapshot", branch.origin().value()));
      Snapshot target = current;
      if (snapshotName != null) {
        target = requireSnapshot(catalog, snapshotName);
        if (!target.database().equals(current.database())) {
          throw new InvalidRequestException("snapshot", "'" + snapshotName + "' is a snapshot of '"
              + target.databaseName() + "', not of '" + current.databaseName() + "', the origin of '" + branchName + "'");
        }
      }
      Database origin = catalog.findDatabase(target.database())
          .orElseThrow(() -> new NotFoundException("database", current.databaseName().value()));
      return resetLocked(branch, target, origin.credentials());
    });
  }

  /**
   * Re-clones the branch from {@code target} into a fresh volume and swaps its container over; the
   * old volume is destroyed only once the new one serves, so a failure leaves the branch as it was.
   */
  private Database resetLocked(Database branch, Snapshot target, Credentials inherited) {
    String newVolume = branch.id().value() + "-" + SnapshotId.random().value().substring(5, 11);
    Database reset = branch.withVolume(newVolume, target.id(), clock.instant());
    Undo undo = new Undo();
    try {
      Path data = volumes.clone(target.volume(), target.id().value(), newVolume, branch.resources().storageBytes());
      undo.push(() -> volumes.destroy(newVolume, false));
      boolean wasRunning = runtime.state(branch.id()) == ContainerState.RUNNING;
      ignoreMissing(() -> runtime.remove(branch.id()));
      undo.push(() -> {
        runtime.run(spec(branch, volumes.mount(branch.volume())));
        if (!wasRunning) {
          runtime.stop(branch.id());
        }
      });
      runtime.run(spec(reset, data));
      undo.push(() -> ignoreMissing(() -> runtime.remove(branch.id())));
      runtime.awaitReady(branch.id(), inherited, settings.readyTimeout());
      runtime.rotatePassword(branch.id(), inherited, branch.credentials().password());
      Database running = catalog.transact(tx -> {
        Database d = reset.withStatus(DatabaseStatus.RUNNING, null, clock.instant());
        tx.update(d);
        tx.emit(Event.of(EventType.BRANCH_RESET, d.updatedAt(),
            withData(databaseData(d), "snapshot", target.name().value())));
        return d;
      });
      undo = new Undo();   // committed: from here on, clean-up failures must not undo the reset
      afterCommit("destroy the old volume of " + branch.name(), () -> destroyVolumeIfUnused(branch.volume()));
      if (!branch.origin().equals(target.id())) {
        afterCommit("drop the unused automatic snapshot of " + branch.name(),
            () -> dropAutomaticSnapshotIfUnused(branch.origin()));
      }
      return running;
    } catch (RuntimeException e) {
      throw undo.rollback(e);
    }
  }

  // ---- monitoring -----------------------------------------------------------------------------

  @Override
  public DatabaseStats stats(DatabaseName name) {
    Database database = requireDatabase(catalog, name);
    boolean running = runtime.state(database.id()) == ContainerState.RUNNING;
    return new DatabaseStats(running ? runtime.stats(database.id()) : null,
        running ? runtime.engineStats(database.id(), database.credentials()) : null, volumes.usage(database.volume()));
  }

  @Override
  public String logs(DatabaseName name, int tail, Instant since) {
    return runtime.logs(requireDatabase(catalog, name).id(), checkTail(tail), since);
  }

  @Override
  public LogFollower.Stream followLogs(DatabaseName name, int tail, Instant since, LogFollower follower) {
    return runtime.followLogs(requireDatabase(catalog, name).id(), checkTail(tail), since, follower);
  }

  private static int checkTail(int tail) {
    if (tail < 0 || tail > 10_000) {
      throw new InvalidRequestException("tail", "must be between 0 and 10000 (got " + tail + ")");
    }
    return tail;
  }

  /** Deletes every branch whose TTL has passed; returns their names. Used by the reaper. */
  public List<DatabaseName> deleteExpired() {
    Instant now = clock.instant();
    List<DatabaseName> deleted = new ArrayList<>();
    for (Database database : catalog.databases()) {
      if (database.expiresAt() != null && !database.expiresAt().isAfter(now)
          && database.status() != DatabaseStatus.CREATING) {
        try {
          delete(database.name(), true);
          deleted.add(database.name());
        } catch (NotFoundException alreadyGone) {
          // deleted meanwhile
        }
      }
    }
    return deleted;
  }

  /**
   * Marks RUNNING databases whose container crashed FAILED, with its exit code; returns their
   * names. The server runs this periodically; {@code start} brings such a database back.
   */
  public List<DatabaseName> detectCrashes() {
    List<DatabaseName> failed = new ArrayList<>();
    for (ManagedContainer container : runtime.list()) {
      if (container.state() != ContainerState.CRASHED) {
        continue;
      }
      catalog.findDatabase(container.id()).filter(d -> d.status() == DatabaseStatus.RUNNING).ifPresent(d ->
          locked(List.of(dbKey(d.name())), () -> {
            Database current = catalog.findDatabase(d.id()).orElse(null);
            if (current != null && current.status() == DatabaseStatus.RUNNING
                && runtime.state(d.id()) == ContainerState.CRASHED) {
              markFailed(current, "container exited with code " + container.exitCode());
              failed.add(d.name());
            }
            return null;
          }));
    }
    return failed;
  }

  // ---- steps shared by the flows --------------------------------------------------------------

  /** Inserts the CREATING row with a port (the requested one, or the lowest free one) and registers its undo. */
  private Database reserve(Database draft, Integer requestedPort, Undo undo) {
    Database reserved = catalog.transact(tx -> {
      if (tx.findDatabase(draft.name()).isPresent()) {
        throw ConflictException.alreadyExists("database", draft.name().value());
      }
      Set<Integer> used = new HashSet<>();
      tx.databases().forEach(d -> used.add(d.port()));
      int port;
      if (requestedPort != null) {
        if (used.contains(requestedPort)) {
          throw new ConflictException(ConflictException.Reason.ALREADY_EXISTS,
              "port " + requestedPort + " is already used by another database");
        }
        port = requestedPort;
      } else {
        port = lowestFree(used);
      }
      Database row = draft.withPort(port, draft.updatedAt());
      tx.insert(row);
      return row;
    });
    undo.push(() -> catalog.transact(tx -> {
      tx.delete(reserved.id());
      return null;
    }));
    return reserved;
  }

  private int lowestFree(Set<Integer> used) {
    for (int port = settings.ports().first(); port <= settings.ports().last(); port++) {
      if (!used.contains(port)) {
        return port;
      }
    }
    throw new ConflictException(ConflictException.Reason.BUSY,
        "every port of the configured range " + settings.ports() + " is in use; delete databases or widen the range");
  }

  /**
   * Runs the container. When the runtime finds an auto-assigned port taken on the host (by a
   * process stagDB does not know of), the database moves to the next free port, a few times.
   */
  private Database runContainer(Database database, Path data, boolean portRequested, Undo undo) {
    Set<Integer> taken = new HashSet<>();
    Database current = database;
    while (true) {
      try {
        runtime.run(spec(current, data));
        DatabaseId id = current.id();
        undo.push(() -> ignoreMissing(() -> runtime.remove(id)));
        return current;
      } catch (ConflictException e) {
        if (portRequested || e.reason() != ConflictException.Reason.BUSY || taken.size() >= MAX_PORT_RETRIES) {
          throw e;
        }
        taken.add(current.port());
        current = movePort(current, taken);
      }
    }
  }

  private Database movePort(Database database, Set<Integer> takenOnHost) {
    return catalog.transact(tx -> {
      Set<Integer> used = new HashSet<>(takenOnHost);
      tx.databases().forEach(d -> used.add(d.port()));
      Database current = tx.findDatabase(database.id()).orElse(database);
      Database moved = current.withPort(lowestFree(used), current.updatedAt());
      tx.update(moved);
      return moved;
    });
  }

  ContainerSpec spec(Database database, Path data) {
    Map<String, String> labels = new LinkedHashMap<>(settings.labels());
    labels.putAll(database.labels());
    return new ContainerSpec(database.id(), database.name(), database.engine(), database.resources(),
        database.port(), database.credentials(), database.env(), data, labels);
  }

  private Database markRunning(Database database, EventType event, Map<String, String> extra) {
    return catalog.transact(tx -> {
      Database current = tx.findDatabase(database.id()).orElse(database);
      Database running = current.withStatus(DatabaseStatus.RUNNING, null, clock.instant());
      tx.update(running);
      Map<String, String> data = new LinkedHashMap<>(databaseData(running));
      data.putAll(extra);
      tx.emit(Event.of(event, running.updatedAt(), data));
      return running;
    });
  }

  private Database transition(Database database, DatabaseStatus next, String detail, EventType event) {
    return catalog.transact(tx -> {
      Database changed = database.withStatus(next, detail, clock.instant());
      tx.update(changed);
      tx.emit(Event.of(event, changed.updatedAt(), databaseData(changed)));
      return changed;
    });
  }

  void markFailed(Database database, String detail) {
    transition(database, DatabaseStatus.FAILED, detail, EventType.DATABASE_FAILED);
  }

  private void requireNameFree(DatabaseName name) {
    if (catalog.findDatabase(name).isPresent()) {
      throw ConflictException.alreadyExists("database", name.value());
    }
  }

  private static void requireUsable(Database database) {
    if (database.status() == DatabaseStatus.CREATING || database.status() == DatabaseStatus.DELETING) {
      throw new ConflictException(ConflictException.Reason.BUSY,
          "database '" + database.name() + "' is " + database.status() + "; try again when that has finished");
    }
  }

  private List<Database> dependentsOf(Database database) {
    Set<SnapshotId> own = new HashSet<>();
    catalog.snapshots().stream().filter(s -> s.database().equals(database.id())).forEach(s -> own.add(s.id()));
    return catalog.databases().stream().filter(d -> d.origin() != null && own.contains(d.origin())).toList();
  }

  static List<Database> branchesOf(CatalogReader reader, SnapshotId snapshot) {
    return reader.databases().stream().filter(d -> snapshot.equals(d.origin())).toList();
  }

  static Database requireDatabase(CatalogReader reader, DatabaseName name) {
    return reader.findDatabase(name).orElseThrow(() -> new NotFoundException("database", name.value()));
  }

  private static Snapshot requireSnapshot(CatalogReader reader, SnapshotName name) {
    return reader.findSnapshot(name).orElseThrow(() -> new NotFoundException("snapshot", name.value()));
  }

  private SnapshotName automaticSnapshotName() {
    return new SnapshotName("auto-" + SnapshotId.random().value().substring(5));
  }

  private Integer checkPort(Integer port) {
    return port == null ? null : settings.ports().requireContains("config.port", port);
  }

  private Instant expiry(Duration ttl) {
    if (ttl == null) {
      return null;
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new InvalidRequestException("ttl", "must be positive (got " + ttl + ")");
    }
    return clock.instant().plus(ttl);
  }

  private static void checkEnv(Map<String, String> env) {
    if (env.size() > MAX_ENV) {
      throw new InvalidRequestException("config.env", "at most " + MAX_ENV + " variables (got " + env.size() + ")");
    }
    env.forEach((key, value) -> {
      if (!ENV_NAME.matcher(key).matches()) {
        throw new InvalidRequestException("config.env", "variable names are letters, digits and '_', not starting with a digit");
      }
      if (value == null || value.indexOf('\0') >= 0) {
        throw new InvalidRequestException("config.env." + key, "must be a string without NUL characters");
      }
    });
  }

  private static void checkLabels(Map<String, String> labels) {
    if (labels.size() > MAX_LABELS) {
      throw new InvalidRequestException("labels", "at most " + MAX_LABELS + " labels");
    }
    labels.forEach((key, value) -> {
      if (!LABEL_KEY.matcher(key).matches() || key.startsWith("io.stagdb.") && !key.startsWith("io.stagdb.session")) {
        throw new InvalidRequestException("labels", "keys are lowercase letters, digits, '.', '_' and '-' (io.stagdb.* is"
            + " reserved except io.stagdb.session)");
      }
      if (value == null || value.length() > 255 || value.chars().anyMatch(Character::isISOControl)) {
        throw new InvalidRequestException("labels." + key, "at most 255 printable characters");
      }
    });
  }

  private static void checkScripts(List<String> scripts) {
    if (scripts.size() > MAX_SCRIPTS) {
      throw new InvalidRequestException("config.initScripts", "at most " + MAX_SCRIPTS + " scripts");
    }
    long total = 0;
    for (String script : scripts) {
      if (script == null || script.isBlank()) {
        throw new InvalidRequestException("config.initScripts", "scripts must not be empty");
      }
      total += script.length();
    }
    if (total > MAX_SCRIPT_CHARS) {
      throw new InvalidRequestException("config.initScripts", "at most " + MAX_SCRIPT_CHARS + " characters in all");
    }
  }

  private <T> T locked(List<String> keys, Supplier<T> work) {
    return locks.with(keys, work);
  }

  private static String dbKey(DatabaseName name) {
    return "db:" + name.value();
  }

  private static String snapKey(SnapshotName name) {
    return "snap:" + name.value();
  }

  /**
   * Tidies up after an operation has committed: a failure here must not report the operation as
   * failed, so it is logged and what is left over is for the reconciler.
   */
  private static void afterCommit(String what, Runnable cleanUp) {
    try {
      cleanUp.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "could not " + what + " (the reconciler will): " + e.getMessage());
    }
  }

  private static void ignoreMissing(Runnable action) {
    try {
      action.run();
    } catch (NotFoundException alreadyGone) {
      // the goal is its absence
    }
  }

  private static List<String> names(List<Database> databases) {
    return databases.stream().map(d -> d.name().value()).sorted().toList();
  }

  static Map<String, String> databaseData(Database database) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("id", database.id().value());
    data.put("name", database.name().value());
    data.put("type", database.engine().engine().id());
    data.put("version", database.engine().version());
    data.put("status", database.status().name().toLowerCase(java.util.Locale.ROOT));
    if (database.statusDetail() != null) {
      data.put("detail", database.statusDetail());
    }
    return data;
  }

  private static Map<String, String> snapshotData(Snapshot snapshot) {
    return Map.of("id", snapshot.id().value(), "name", snapshot.name().value(),
        "database", snapshot.databaseName().value(), "automatic", Boolean.toString(snapshot.automatic()));
  }

  private static Map<String, String> withData(Map<String, String> data, String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(data);
    copy.put(key, value);
    return copy;
  }
}
