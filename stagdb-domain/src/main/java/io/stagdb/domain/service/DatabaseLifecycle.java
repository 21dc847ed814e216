package io.stagdb.domain.service;

import io.stagdb.domain.port.in.StepTimings;
import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.DatabaseStatus;
import io.stagdb.domain.model.EventType;
import io.stagdb.domain.model.Resources;
import io.stagdb.domain.model.SnapshotId;
import io.stagdb.domain.port.in.CreateDatabase;
import io.stagdb.domain.port.in.DatabaseFilter;
import io.stagdb.domain.port.out.ContainerState;
import io.stagdb.domain.port.out.ManagedContainer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Databases from scratch: create (waiting or in the background), list, start, stop, delete; the reaper and crash watch. */
final class DatabaseLifecycle {
  private static final System.Logger LOG = System.getLogger(DatabaseLifecycle.class.getName());

  private final Provisioning p;
  private final Removal removal;
  private final Validation validation;
  private final LiveImports imports;

  DatabaseLifecycle(Provisioning provisioning, Removal removal, Validation validation, LiveImports imports) {
    this.p = provisioning;
    this.removal = removal;
    this.validation = validation;
    this.imports = imports;
  }

  /** A create that passed validation: the row to reserve and whether the port was asked for. */
  private record Draft(Database row, Integer port) {
  }

  private Draft draft(CreateDatabase request) {
    Resources resources = p.settings.resources().resolve("config.", request.resources());
    Validation.name(request.name());
    Validation.env(request.env());
    Validation.scripts(request.initScripts());
    Validation.labels(request.labels());
    Integer port = validation.port(request.port());
    Instant expiresAt = validation.expiry(request.ttl());
    Instant now = p.clock.instant();
    DatabaseId id = DatabaseId.random();
    Credentials credentials = new Credentials(request.engine().engine().defaultUser(), p.secrets.password(),
        request.engine().engine().defaultDatabase());
    return new Draft(new Database(id, request.name(), request.engine(), DatabaseStatus.CREATING, resources, 0,
        credentials, request.env(), request.initScripts(), request.engineSettings(), request.source(), request.refresh(), Provisioning.firstVolume(id), null, expiresAt,
        request.labels(), null, now, now), port);
  }

  Database create(CreateDatabase request) {
    Draft draft = draft(request);
    p.requireNameFree(request.name());   // answer at once rather than wait for an operation on that name
    return p.locked(Provisioning.keys(Provisioning.db(request.name()), Locks.Mode.EXCLUSIVE), () -> {
      Undo undo = new Undo();
      try {
        return bringUp(p.reserve(draft.row(), draft.port(), undo), draft.port() != null, undo);
      } catch (RuntimeException e) {
        RuntimeException failure = undo.rollback(e);
        if (draft.row().source() != null) {
          imports.failed(draft.row(), e.getMessage());
        }
        throw failure;
      }
    });
  }

  /**
   * Reserves the name and port now and creates the database in the background. A failure undoes
   * the volume and container and leaves the record FAILED with its reason, until it is deleted.
   */
  Database createInBackground(CreateDatabase request) {
    long started = System.nanoTime();
    Draft draft = draft(request);
    p.requireNameFree(request.name());
    Map<String, Locks.Mode> keys = Provisioning.keys(Provisioning.db(request.name()), Locks.Mode.EXCLUSIVE);
    Database reserved = p.locked(keys, () -> p.reserve(draft.row(), draft.port(), new Undo()));
    try {
      p.background.submit("create " + request.name(), () -> p.locked(keys, () -> {
        Database current = p.catalog.findDatabase(reserved.id()).orElse(null);
        if (current == null || current.status() != DatabaseStatus.CREATING) {
          return null;   // deleted before its turn came
        }
        Undo undo = new Undo();
        try {
          Database up = bringUp(current, draft.port() != null, undo);
          p.observe("create", started, true);
          return up;
        } catch (RuntimeException e) {
          undo.rollback(e);
          p.observe("create", started, false);
          LOG.log(System.Logger.Level.WARNING, "creating " + request.name() + " failed: " + e.getMessage());
          Database failed = p.markFailed(current, (current.source() == null ? "create" : "import") + " failed: "
              + e.getMessage());
          if (current.source() != null) {
            imports.failed(failed, e.getMessage());
          }
          return failed;
        }
      }));
    } catch (RuntimeException refused) {
      p.catalog.transact(tx -> {
        tx.delete(reserved.id());
        return null;
      });
      throw refused;
    }
    return reserved;
  }

  /** {@link #fill} → RUNNING + event (→ the import's snapshot), for a reserved row; undone on failure. */
  private Database bringUp(Database reserved, boolean portRequested, Undo undo) {
    Database filled = fill(reserved, portRequested, undo);
    Database up = p.markRunning(filled, EventType.DATABASE_CREATED, Map.of());
    if (reserved.source() != null) {
      imports.finish(up, "import");
    }
    return up;
  }

  /**
   * volume → container → ready → extensions → (the copy from its source, IMPORTING meanwhile) → init
   * scripts, for a reserved row, each step's undo pushed; the row as it is then.
   */
  Database fill(Database reserved, boolean portRequested, Undo undo) {
    Path data = p.makeVolume(reserved.volume(), undo,
        () -> p.volumes.create(reserved.volume(), reserved.resources().storageBytes()));
    Database running = p.runContainer(reserved, data, portRequested, false, undo);
    p.runtime.awaitReady(reserved.id(), reserved.credentials(), p.settings.readyTimeout());
    p.runtime.createExtensions(reserved.id(), reserved.credentials(), reserved.engineSettings().extensions());
    if (reserved.source() != null) {
      running = imports.copyIn(running);
    }
    p.runtime.runScripts(reserved.id(), reserved.credentials(), running.initScripts());
    return running;
  }

  Database get(DatabaseName name) {
    Database database = Lineage.requireDatabase(p.catalog, name);
    if (Standbys.isStandby(database)) {
      throw new NotFoundException("database", name.value());   // the server's own, not the user's
    }
    return database;
  }

  List<Database> list(DatabaseFilter filter) {
    Set<SnapshotId> origins = new HashSet<>();
    if (filter.origin() != null) {
      p.catalog.findSnapshot(filter.origin()).ifPresent(s -> origins.add(s.id()));
      if (origins.isEmpty()) {
        return List.of();
      }
    }
    return Standbys.visible(p.catalog.databases()).stream()
        .filter(d -> filter.engine() == null || d.engine().engine() == filter.engine())
        .filter(d -> filter.status() == null || d.status() == filter.status())
        .filter(d -> filter.origin() == null || origins.contains(d.origin()))
        .toList();
  }

  private <T> T onOne(DatabaseName name, java.util.function.Function<Database, T> work) {
    // answer at once, not after the lock wait, while a create or an import holds the name for long
    Provisioning.requireUsable(Lineage.requireDatabase(p.catalog, name));
    return p.locked(Provisioning.keys(Provisioning.db(name), Locks.Mode.EXCLUSIVE),
        () -> work.apply(Lineage.requireDatabase(p.catalog, name)));
  }

  Database start(DatabaseName name) {
    return onOne(name, this::startHeld);
  }

  private Database startHeld(Database database) {
    Provisioning.requireUsable(database);
    ContainerState state = p.runtime.state(database.id());
    if (database.status() == DatabaseStatus.RUNNING && state == ContainerState.RUNNING) {
      return database;
    }
    try {
      Path data = p.volumes.mount(database.volume());
      if (state == ContainerState.MISSING) {
        p.runtime.run(p.spec(database, data));
      } else if (state == ContainerState.HELD) {
        p.runtime.resume(database.id());   // a recycle that was interrupted
      } else {
        p.runtime.start(database.id());
      }
      p.runtime.awaitReady(database.id(), database.credentials(), p.settings.readyTimeout());
    } catch (RuntimeException e) {
      p.markFailed(database, "start failed: " + e.getMessage());
      throw e;
    }
    return p.markRunning(database, EventType.DATABASE_STARTED, Map.of());
  }

  Database stop(DatabaseName name) {
    return onOne(name, this::stopHeld);
  }

  private Database stopHeld(Database database) {
    Provisioning.requireUsable(database);
    if (database.status() == DatabaseStatus.STOPPED) {
      return database;
    }
    if (p.runtime.state(database.id()) != ContainerState.MISSING) {
      p.runtime.stop(database.id());
    }
    return p.transition(database, DatabaseStatus.STOPPED, null, EventType.DATABASE_STOPPED);
  }

  Database restart(DatabaseName name) {
    return onOne(name, d -> startHeld(stopHeld(d)));
  }

  /** The deletion of one database and what it takes along, refused without cascade when that is anything. */
  private Removal.Deletion planDelete(DatabaseName name, boolean cascade) {
    Database database = Lineage.requireDatabase(p.catalog, name);
    Removal.Deletion deletion = removal.plan(p.catalog, List.of(database));
    List<Database> dependents = Standbys.visible(deletion.dependents());   // its standbys go along unasked
    if (!dependents.isEmpty() && !cascade) {
      List<String> names = Lineage.names(dependents);
      throw new ConflictException(ConflictException.Reason.HAS_DEPENDENTS, "database '" + name
          + "' has branches of its snapshots: " + names + "; delete them first or use cascade", names, null);
    }
    return deletion;
  }

  /** Deletes a database (with cascade, its dependents first) and returns when it is gone. */
  void delete(DatabaseName name, boolean cascade) {
    p.locked(() -> planDelete(name, cascade), deletion -> {
      for (Database d : removal.markDeleting(deletion)) {
        removal.finish(d);
      }
      return null;
    });
  }

  /**
   * Marks a database (with cascade, its dependents too) DELETING and returns it at once; the
   * volumes and containers go in the background. A crash before the end is finished later.
   */
  Database deleteInBackground(DatabaseName name, boolean cascade) {
    long started = System.nanoTime();
    List<Database> marked = p.locked(() -> planDelete(name, cascade), removal::markDeleting);
    List<DatabaseId> ids = marked.stream().map(Database::id).toList();
    try {
      p.background.submit("delete " + name, () -> {
        boolean ok = false;
        try {
          removal.finish(ids);
          ok = true;
        } finally {
          p.observe("delete", started, ok);
        }
      });
    } catch (ConflictException queueFull) {
      LOG.log(System.Logger.Level.INFO, "deleting " + name + " later: " + queueFull.getMessage());
    }
    return marked.get(marked.size() - 1);
  }

  /** Deletes every database whose TTL has passed (with what depends on it); returns their names. */
  List<DatabaseName> deleteExpired() {
    Instant now = p.clock.instant();
    List<DatabaseName> deleted = new ArrayList<>();
    for (Database database : p.catalog.databases()) {
      if (database.expiresAt() != null && !database.expiresAt().isAfter(now)
          && database.status() != DatabaseStatus.CREATING && database.status() != DatabaseStatus.DELETING) {
        try {
          delete(database.name(), true);
          deleted.add(database.name());
        } catch (NotFoundException alreadyGone) {
          // deleted meanwhile
        } catch (ConflictException busy) {
          LOG.log(System.Logger.Level.INFO, "expired " + database.name() + " is busy; deleting it next round");
        }
      }
    }
    return deleted;
  }

  /**
   * Marks RUNNING databases whose container crashed FAILED, with its exit code; returns their
   * names. The server runs this periodically; {@code start} brings such a database back.
   */
  List<DatabaseName> detectCrashes() {
    List<DatabaseName> failed = new ArrayList<>();
    for (ManagedContainer container : p.runtime.list()) {
      if (container.state() != ContainerState.CRASHED) {
        continue;
      }
      p.catalog.findDatabase(container.id()).filter(d -> d.status() == DatabaseStatus.RUNNING).ifPresent(d -> {
        try {
          onOne(d.name(), current -> {
            if (current.id().equals(d.id()) && current.status() == DatabaseStatus.RUNNING
                && p.runtime.state(d.id()) == ContainerState.CRASHED) {
              p.markFailed(current, "container exited with code " + container.exitCode());
              failed.add(d.name());
            }
            return null;
          });
        } catch (ConflictException | NotFoundException busyOrGone) {
          // another operation has it (a recycle restarts its engine); looked at again next round
        }
      });
    }
    return failed;
  }
}
