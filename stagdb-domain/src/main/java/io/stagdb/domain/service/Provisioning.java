package io.stagdb.domain.service;

import io.stagdb.domain.port.in.StepTimings;
import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.DatabaseStatus;
import io.stagdb.domain.model.Event;
import io.stagdb.domain.model.EventType;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.model.SnapshotId;
import io.stagdb.domain.model.SnapshotName;
import io.stagdb.domain.port.out.Catalog;
import io.stagdb.domain.port.out.ContainerSpec;
import io.stagdb.domain.port.out.DatabaseRuntime;
import io.stagdb.domain.port.out.SecretGenerator;
import io.stagdb.domain.port.out.VolumeStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The steps every flow is made of, in one place: taking the names an operation works on,
 * reserving a name and port in the catalog, running the container (moving off a host port taken
 * by someone else), waiting for the engine, recording the outcome; and the naming rules of
 * volumes. The flows ({@link DatabaseLifecycle}, {@link Snapshots}, {@link Branching}) and the
 * {@link Reconciler} are built on it and on nothing of each other.
 */
final class Provisioning {
  /** The snapshot a recyclable branch's volume is rolled back to; not a catalogued snapshot. */
  static final String RECYCLE_POINT = "recycle-point";
  private static final int MAX_PORT_RETRIES = 10;
  private static final int MAX_PLAN_ATTEMPTS = 3;

  final VolumeStore volumes;
  final DatabaseRuntime runtime;
  final Catalog catalog;
  final SecretGenerator secrets;
  final Clock clock;
  final StagDbSettings settings;
  final BackgroundWork background;
  final Spares spares;
  private final Locks locks;
  private final io.stagdb.domain.port.out.OperationObserver observer;

  Provisioning(VolumeStore volumes, DatabaseRuntime runtime, Catalog catalog, SecretGenerator secrets, Clock clock,
               StagDbSettings settings, io.stagdb.domain.port.out.OperationObserver observer) {
    this.observer = observer;
    this.volumes = volumes;
    this.runtime = runtime;
    this.catalog = catalog;
    this.secrets = secrets;
    this.clock = clock;
    this.settings = settings;
    this.locks = new Locks(settings.lockWait());
    this.background = new BackgroundWork(settings.backgroundThreads(), 1024);
    this.spares = new Spares(this);
  }

  // ---- observing -------------------------------------------------------------------------------

  /** Runs an operation and tells the observer how long it took and whether it succeeded. */
  <T> T observed(String kind, java.util.function.Supplier<T> operation) {
    long started = System.nanoTime();
    boolean ok = false;
    try {
      T result = operation.get();
      ok = true;
      return result;
    } finally {
      observe(kind, started, ok);
    }
  }

  /** Tells the observer about an operation that began at {@code startedNanos} ({@link System#nanoTime()}). */
  void observe(String kind, long startedNanos, boolean ok) {
    try {
      observer.finished(kind, java.time.Duration.ofNanos(System.nanoTime() - startedNanos), ok);
    } catch (RuntimeException ignored) {
      // metrics never fail an operation
    }
  }

  // ---- taking names ---------------------------------------------------------------------------

  /** What an operation will work on, read from the catalog, with the names that it must hold for that. */
  interface Plan {
    Map<String, Locks.Mode> keys();
  }

  /** Runs {@code work} holding {@code keys}; busy when they are not free within the bound. */
  <T> T locked(Map<String, Locks.Mode> keys, Supplier<T> work) {
    return locked(keys, settings.lockWait(), work);
  }

  private <T> T locked(Map<String, Locks.Mode> keys, Duration bound, Supplier<T> work) {
    long asked = System.nanoTime();
    return locks.with(keys, bound, () -> {
      StepTimings.add("lock", System.nanoTime() - asked);   // the wait for other operations, as a step of its own
      return work.get();
    });
  }

  /**
   * Works out what an operation touches, takes all of those names at once, and works it out again
   * under them: when the catalog changed in between so that more names are needed, it lets go and
   * starts over with the new plan (a few times, then busy). {@code work} gets the plan read under
   * the locks.
   */
  <P extends Plan, T> T locked(Supplier<P> planner, Function<P, T> work) {
    return locked(planner, settings.lockWait(), work);
  }

  /** {@link #locked(Supplier, Function)} only when its names are free now: busy at once otherwise. */
  <P extends Plan, T> T lockedIfFree(Supplier<P> planner, Function<P, T> work) {
    return locked(planner, Duration.ZERO, work);
  }

  private <P extends Plan, T> T locked(Supplier<P> planner, Duration bound, Function<P, T> work) {
    P plan = planner.get();
    for (int attempt = 1; ; attempt++) {
      Map<String, Locks.Mode> held = plan.keys();
      Object[] changed = new Object[1];
      T result = locked(held, bound, () -> {
        P now = planner.get();
        if (covers(held, now.keys())) {
          return work.apply(now);
        }
        changed[0] = now;
        return null;
      });
      if (changed[0] == null) {
        return result;
      }
      if (attempt == MAX_PLAN_ATTEMPTS) {
        throw new ConflictException(ConflictException.Reason.BUSY, "what this operation works on kept changing while"
            + " it waited (other operations on the same databases); try again");
      }
      @SuppressWarnings("unchecked")
      P next = (P) changed[0];
      plan = next;
    }
  }

  private static boolean covers(Map<String, Locks.Mode> held, Map<String, Locks.Mode> needed) {
    return needed.entrySet().stream().allMatch(e -> held.containsKey(e.getKey())
        && (e.getValue() == Locks.Mode.SHARED || held.get(e.getKey()) == Locks.Mode.EXCLUSIVE));
  }

  static Map<String, Locks.Mode> keys(Object... nameThenMode) {
    Map<String, Locks.Mode> keys = new LinkedHashMap<>();
    for (int i = 0; i < nameThenMode.length; i += 2) {
      put(keys, (String) nameThenMode[i], (Locks.Mode) nameThenMode[i + 1]);
    }
    return keys;
  }

  /** Adds a key; exclusive wins over shared. */
  static void put(Map<String, Locks.Mode> keys, String key, Locks.Mode mode) {
    keys.merge(key, mode, (a, b) -> a == Locks.Mode.EXCLUSIVE || b == Locks.Mode.EXCLUSIVE ? Locks.Mode.EXCLUSIVE : a);
  }

  static String db(DatabaseName name) {
    return Locks.database(name.value());
  }

  static String snap(SnapshotName name) {
    return Locks.snapshot(name.value());
  }

  // ---- naming ---------------------------------------------------------------------------------

  /** The volume a database starts on: its id. */
  static String firstVolume(DatabaseId id) {
    return id.value();
  }

  /** A later volume of a database (a reset's fresh clone): {@code <id>-<suffix>}. */
  static String nextVolume(DatabaseId id) {
    return id.value() + "-" + SnapshotId.random().value().substring(5, 11);
  }

  /** The known database a volume is named after ({@link #firstVolume} or {@link #nextVolume}), or {@code null}. */
  static DatabaseId ownerOf(String volume, Set<DatabaseId> known) {
    return known.stream().filter(id -> volume.equals(id.value()) || volume.startsWith(id.value() + "-"))
        .findFirst().orElse(null);
  }

  static SnapshotName automaticSnapshotName() {
    return new SnapshotName("auto-" + SnapshotId.random().value().substring(5));
  }

  // ---- steps ----------------------------------------------------------------------------------

  /** Refuses a name that is taken, saying so when it is only waiting for its volume to go. */
  void requireNameFree(DatabaseName name) {
    catalog.findDatabase(name).ifPresent(Provisioning::taken);
  }

  private static void taken(Database existing) {
    if (existing.status() == DatabaseStatus.DELETING) {
      throw new ConflictException(ConflictException.Reason.BUSY, "database '" + existing.name() + "' is being deleted;"
          + " the name is free again once its volume is gone (usually within seconds)");
    }
    throw ConflictException.alreadyExists("database", existing.name().value());
  }

  /** Refuses work on a database that is being created or deleted. */
  static void requireUsable(Database database) {
    String doing = switch (database.status()) {
      case CREATING -> "being created";
      case IMPORTING -> "importing its data";
      case DELETING -> "being deleted";
      default -> null;
    };
    if (doing != null) {
      throw new ConflictException(ConflictException.Reason.BUSY, "database '" + database.name() + "' is " + doing
          + "; try again when that has finished");
    }
  }

  /** Inserts the CREATING row with a port (the requested one, or the lowest free one) and registers its undo. */
  Database reserve(Database draft, Integer requestedPort, Undo undo) {
    Database reserved = catalog.transact(tx -> {
      tx.findDatabase(draft.name()).ifPresent(Provisioning::taken);
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
      if (undo.somethingLeft()) {
        // an undo step before this one failed: keep the record, DELETING, so what is left is found and removed
        tx.findDatabase(reserved.id()).ifPresent(d -> tx.update(d.withStatus(DatabaseStatus.DELETING, null,
            clock.instant())));
      } else {
        tx.delete(reserved.id());
      }
      return null;
    }));
    return reserved;
  }

  /**
   * Creates or clones a volume for a reserved database. The undo is registered first and removes
   * the volume if it exists: a store can fail after the dataset was made (a mount that failed).
   */
  Path makeVolume(String volume, Undo undo, Supplier<Path> make) {
    undo.push(() -> {
      if (volumes.exists(volume)) {
        volumes.destroy(volume, false);
      }
    });
    return make.get();
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
  Database runContainer(Database database, Path data, boolean portRequested, boolean restartable, Undo undo) {
    Set<Integer> taken = new HashSet<>();
    Database current = database;
    while (true) {
      try {
        runtime.run(spec(current, data, restartable));
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

  /** The container of a database on {@code data}; restartable when its volume has a recycle point. */
  ContainerSpec spec(Database database, Path data) {
    return spec(database, data, volumes.snapshotExists(database.volume(), RECYCLE_POINT));
  }

  ContainerSpec spec(Database database, Path data, boolean restartable) {
    Map<String, String> labels = new LinkedHashMap<>(settings.labels());
    labels.putAll(database.labels());
    return new ContainerSpec(database.id(), database.name(), database.engine(), database.resources(),
        database.port(), database.credentials(), database.env(), data, labels, restartable, database.engineSettings());
  }

  /**
   * Takes a recyclable branch's recycle point: the engine halted cleanly (so every recycle starts
   * from a clean shutdown, with the branch's own password already set), the snapshot, the engine
   * resumed and ready again.
   */
  void takeRecyclePoint(Database branch) {
    StepTimings.step("recycle-point", () -> {
      runtime.halt(branch.id(), true);
      volumes.snapshot(branch.volume(), RECYCLE_POINT);
      runtime.resume(branch.id());
      runtime.awaitReady(branch.id(), branch.credentials(), settings.readyTimeout());
    });
  }

  /** Snapshots a database its caller holds (quiescing a running engine) and records it; undone on failure. */
  Snapshot takeSnapshot(Database database, SnapshotName name, boolean automatic) {
    if (database.status() != DatabaseStatus.RUNNING && database.status() != DatabaseStatus.STOPPED) {
      throw new ConflictException(ConflictException.Reason.INVALID_STATE, "database '" + database.name() + "' is "
          + database.status() + "; only a running or stopped database can be snapshotted");
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
        tx.emit(Event.of(EventType.SNAPSHOT_CREATED, snapshot.createdAt(), Lineage.snapshotData(snapshot)));
        return null;
      });
    } catch (RuntimeException e) {
      Undo undo = new Undo();
      undo.push(() -> volumes.destroySnapshot(database.volume(), id.value()));
      throw undo.rollback(e);
    }
    return snapshot;
  }

  Database markRunning(Database database, EventType event, Map<String, String> extra) {
    return catalog.transact(tx -> {
      Database current = tx.findDatabase(database.id()).orElse(database);
      Database running = current.withStatus(DatabaseStatus.RUNNING, null, clock.instant());
      tx.update(running);
      Map<String, String> data = new LinkedHashMap<>(Lineage.databaseData(running));
      data.putAll(extra);
      if (!Standbys.isStandby(running)) {   // a standby is announced when it is handed over
        tx.emit(Event.of(event, running.updatedAt(), data));
      }
      return running;
    });
  }

  Database transition(Database database, DatabaseStatus next, String detail, EventType event) {
    return catalog.transact(tx -> {
      Database current = tx.findDatabase(database.id()).orElse(database);
      Database changed = current.withStatus(next, detail, clock.instant());
      tx.update(changed);
      if (!Standbys.isStandby(changed)) {
        tx.emit(Event.of(event, changed.updatedAt(), Lineage.databaseData(changed)));
      }
      return changed;
    });
  }

  Database markFailed(Database database, String detail) {
    return transition(database, DatabaseStatus.FAILED, detail, EventType.DATABASE_FAILED);
  }

  /**
   * Tidies up after an operation has committed: a failure here must not report the operation as
   * failed, so it is logged and what is left over is for the reconciler.
   */
  static void afterCommit(String what, Runnable cleanUp) {
    try {
      cleanUp.run();
    } catch (RuntimeException e) {
      System.getLogger(Provisioning.class.getName()).log(System.Logger.Level.WARNING,
          "could not " + what + " (the reconciler will): " + e.getMessage());
    }
  }

  static void ignoreMissing(Runnable action) {
    try {
      action.run();
    } catch (io.stagdb.domain.error.NotFoundException alreadyGone) {
      // the goal is its absence
    }
  }
}
