package io.stagdb.domain.service;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.DatabaseStatus;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.port.out.Schedules;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An imported database copied again from its source, on request or on its schedule. The new copy is
 * made in a staging database of the server's own (hidden like a standby: a fresh volume and container,
 * the same password), while the current one keeps serving; then the database switches over to the
 * new volume under the same name, port and password, a snapshot {@code <name>-refresh-<time>} is taken,
 * and of its import and refresh snapshots the newest {@code keep} stay (and any with branches, which
 * go on working on the earlier volumes). A refresh that fails leaves the database as it was, its
 * status detail saying why; one cut short by a crash leaves a staging row the reconciler undoes.
 */
final class Refreshes {
  private static final String OF = "refresh-of:";
  private static final System.Logger LOG = System.getLogger(Refreshes.class.getName());

  private final Provisioning p;
  private final DatabaseLifecycle lifecycle;
  private final LiveImports imports;
  private final Removal removal;
  private final Snapshots snapshots;
  private final Schedules schedules;
  private final Set<DatabaseId> queued = ConcurrentHashMap.newKeySet();

  Refreshes(Provisioning p, DatabaseLifecycle lifecycle, LiveImports imports, Removal removal, Snapshots snapshots,
            Schedules schedules) {
    this.p = p;
    this.lifecycle = lifecycle;
    this.imports = imports;
    this.removal = removal;
    this.snapshots = snapshots;
    this.schedules = schedules;
  }

  /** The database a staging row is refreshing, or {@code null} for any other row. */
  static DatabaseId refreshing(Database database) {
    String label = database.labels().get(Standbys.LABEL);
    return label != null && label.startsWith(OF) ? new DatabaseId(label.substring(OF.length())) : null;
  }

  /** Refreshes now and waits; the database as it serves afterwards. */
  Database refresh(DatabaseName name) {
    Database refreshed = p.locked(Provisioning.keys(Provisioning.db(name), Locks.Mode.EXCLUSIVE),
        () -> refreshHeld(Lineage.requireDatabase(p.catalog, name)));
    prune(refreshed);
    return refreshed;
  }

  /** Checks that it can be refreshed, then refreshes in the background; the database as it is now. */
  Database refreshInBackground(DatabaseName name) {
    Database database = Lineage.requireDatabase(p.catalog, name);
    requireRefreshable(database);
    submit(database);
    return database;
  }

  /** Queues the refresh of every imported database whose schedule says it is due (called every so often). */
  void refreshDue() {
    Instant now = p.clock.instant();
    for (Database d : Standbys.visible(p.catalog.databases())) {
      if (d.source() == null || d.refresh().schedule() == null || d.status() != DatabaseStatus.RUNNING) {
        continue;
      }
      Instant last = Lineage.snapshotsOf(p.catalog, d).stream().filter(s -> LiveImports.SNAPSHOT.matcher(s.name().value())
          .matches()).map(Snapshot::createdAt).max(Comparator.naturalOrder()).orElse(d.createdAt());
      if (!now.isBefore(schedules.next(d.refresh().schedule(), last))) {
        submit(d);
      }
    }
  }

  private void submit(Database database) {
    if (!queued.add(database.id())) {
      return;   // one is queued or under way already
    }
    try {
      p.background.submit("refresh " + database.name(), () -> {
        try {
          refresh(database.name());
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "refreshing " + database.name() + " failed: " + e.getMessage());
        } finally {
          queued.remove(database.id());
        }
      });
    } catch (RuntimeException refused) {
      queued.remove(database.id());
      throw refused;
    }
  }

  private static void requireRefreshable(Database database) {
    Provisioning.requireUsable(database);
    if (database.source() == null) {
      throw new ConflictException(ConflictException.Reason.INVALID_STATE, "database '" + database.name()
          + "' was not imported from a source; only an imported database can be refreshed");
    }
    if (database.status() != DatabaseStatus.RUNNING) {
      throw new ConflictException(ConflictException.Reason.INVALID_STATE, "database '" + database.name() + "' is "
          + database.status().name().toLowerCase(java.util.Locale.ROOT) + "; only a running database can be refreshed");
    }
  }

  private Database refreshHeld(Database database) {
    requireRefreshable(database);
    Instant now = p.clock.instant();
    DatabaseId stagingId = DatabaseId.random();
    Database draft = new Database(stagingId, Standbys.newName(),
        database.engine(), DatabaseStatus.CREATING, database.resources(), 0, database.credentials(), database.env(),
        database.initScripts(), database.engineSettings(), database.source(), database.refresh(),
        Provisioning.firstVolume(stagingId), null, null, Map.of(Standbys.LABEL, OF + database.id().value()), null, now, now);
    Undo undo = new Undo();
    try {
      Database staged = lifecycle.fill(p.reserve(draft, null, undo), false, undo);
      p.runtime.stop(staged.id());   // its files complete on disk before the database's own engine opens them
      Provisioning.ignoreMissing(() -> p.runtime.remove(database.id()));
      undo.push(() -> p.runtime.run(p.spec(database, p.volumes.mount(database.volume()))));
      Database switched = database.withVolume(staged.volume(), null, p.clock.instant());
      p.runtime.run(p.spec(switched, p.volumes.mount(staged.volume())));
      undo.push(() -> Provisioning.ignoreMissing(() -> p.runtime.remove(database.id())));
      p.runtime.awaitReady(database.id(), database.credentials(), p.settings.readyTimeout());
      Database running = p.catalog.transact(tx -> {
        Database d = switched.withStatus(DatabaseStatus.RUNNING, null, p.clock.instant());
        tx.update(d);
        tx.delete(staged.id());
        return d;
      });
      undo = new Undo();   // committed: from here on, clean-up failures must not undo the refresh
      Provisioning.afterCommit("remove the staging container of " + database.name(),
          () -> Provisioning.ignoreMissing(() -> p.runtime.remove(staged.id())));
      Provisioning.afterCommit("destroy the earlier volume of " + database.name(),
          () -> removal.destroyVolumeIfUnused(database.volume()));
      imports.finish(running, "refresh");
      return running;
    } catch (RuntimeException e) {
      RuntimeException failure = undo.rollback(e);
      imports.failed(database, "refresh failed: " + e.getMessage());
      Provisioning.afterCommit("record that the refresh of " + database.name() + " failed", () -> p.catalog.transact(tx -> {
        tx.findDatabase(database.id()).filter(d -> d.status() == DatabaseStatus.RUNNING).ifPresent(d ->
            tx.update(d.withStatus(DatabaseStatus.RUNNING, "last refresh failed: " + e.getMessage(), p.clock.instant())));
        return null;
      }));
      throw failure;
    }
  }

  /** Drops the import and refresh snapshots beyond the newest {@code keep}; one with branches stays (and is not counted). */
  private void prune(Database database) {
    List<Snapshot> taken = Lineage.snapshotsOf(p.catalog, database).stream()
        .filter(s -> LiveImports.SNAPSHOT.matcher(s.name().value()).matches())
        .sorted(Comparator.comparing(Snapshot::createdAt).reversed()).toList();
    int kept = 0;
    for (Snapshot s : taken) {
      if (kept < database.refresh().keep()) {
        kept++;
        continue;
      }
      try {
        snapshots.delete(s.name(), false);
      } catch (ConflictException hasBranches) {
        // kept for its branches; it goes when they do and it is deleted
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "could not drop the old snapshot " + s.name() + ": " + e.getMessage());
      }
    }
  }
}
