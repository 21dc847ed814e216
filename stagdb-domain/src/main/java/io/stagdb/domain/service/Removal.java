package io.stagdb.domain.service;

import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.model.DatabaseStatus;
import io.stagdb.domain.model.Event;
import io.stagdb.domain.model.EventType;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.model.SnapshotId;
import io.stagdb.domain.port.out.CatalogReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Taking databases and snapshots away: which databases a delete takes along (the branches of
 * their snapshots, all the way down), the names that needs, and the steps that remove a database
 * already marked deleting. A delete is recorded first, so a crash half-way is finished later.
 */
final class Removal {
  private static final System.Logger LOG = System.getLogger(Removal.class.getName());
  private final Provisioning p;

  Removal(Provisioning provisioning) {
    this.p = provisioning;
  }

  /**
   * The databases a delete of {@code roots} takes along, dependents before what they depend on,
   * and every name that touches: each database, each of its snapshots, and each origin snapshot
   * (exclusively when it is automatic, since the last branch takes it along).
   */
  record Deletion(List<Database> roots, List<Database> order, Map<String, Locks.Mode> keys) implements Provisioning.Plan {
    /** The databases taken along that were not asked for. */
    List<Database> dependents() {
      Set<DatabaseId> asked = new HashSet<>();
      roots.forEach(r -> asked.add(r.id()));
      return order.stream().filter(d -> !asked.contains(d.id())).toList();
    }
  }

  Deletion plan(CatalogReader reader, List<Database> roots) {
    Map<DatabaseId, Database> order = new LinkedHashMap<>();
    for (Database root : roots) {
      visit(reader, root, order, new HashSet<>());
    }
    Map<String, Locks.Mode> keys = new LinkedHashMap<>();
    for (Database d : order.values()) {
      Provisioning.put(keys, Provisioning.db(d.name()), Locks.Mode.EXCLUSIVE);
      Lineage.snapshotsOf(reader, d).forEach(s -> Provisioning.put(keys, Provisioning.snap(s.name()), Locks.Mode.EXCLUSIVE));
      if (d.origin() != null) {
        reader.findSnapshot(d.origin()).ifPresent(s -> Provisioning.put(keys, Provisioning.snap(s.name()),
            s.automatic() ? Locks.Mode.EXCLUSIVE : Locks.Mode.SHARED));
      }
    }
    return new Deletion(List.copyOf(roots), List.copyOf(order.values()), keys);
  }

  private static void visit(CatalogReader reader, Database database, Map<DatabaseId, Database> order, Set<DatabaseId> path) {
    if (order.containsKey(database.id()) || !path.add(database.id())) {
      return;
    }
    for (Snapshot own : Lineage.snapshotsOf(reader, database)) {
      for (Database branch : Lineage.branchesOf(reader, own.id())) {
        visit(reader, branch, order, path);
      }
    }
    order.put(database.id(), database);
  }

  /** Marks every database of a deletion DELETING in one transaction; returns them as marked. */
  List<Database> markDeleting(Deletion deletion) {
    return p.catalog.transact(tx -> {
      List<Database> marked = new ArrayList<>();
      for (Database d : deletion.order()) {
        Database current = tx.findDatabase(d.id()).orElse(d);
        if (current.status() != DatabaseStatus.DELETING) {
          current = current.withStatus(DatabaseStatus.DELETING, null, p.clock.instant());
          tx.update(current);
        }
        marked.add(current);
      }
      return marked;
    });
  }

  /**
   * Finishes the deletion of databases marked DELETING, taking their names again: the caller holds
   * none. What they took along (marked with them) goes first. Used by background deletes, the
   * periodic retry and the reconciler.
   */
  void finish(Collection<DatabaseId> ids) {
    p.locked(() -> plan(p.catalog, ids.stream().map(id -> p.catalog.findDatabase(id)).flatMap(java.util.Optional::stream)
        .toList()), deletion -> {
          for (Database d : markDeleting(deletion)) {
            finish(d);
          }
          return null;
        });
  }

  /** Retries every deletion left half-done (a failed background step, a crash); returns how many finished. */
  int finishPending() {
    int finished = 0;
    for (Database d : p.catalog.databases()) {
      if (d.status() == DatabaseStatus.DELETING) {
        try {
          finish(List.of(d.id()));
          finished++;
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "could not finish deleting " + d.name() + " (tried again later): "
              + e.getMessage());
        }
      }
    }
    return finished;
  }

  /**
   * Removes the container, the volumes and the rows of a database marked DELETING whose names the
   * caller holds: its current volume, the earlier ones a reset left to the snapshots taken before
   * it, and any other volume named for it (an earlier one whose destroy failed after its reset: it
   * would otherwise outlive the database, an orphan holding its origin's snapshot). Its automatic
   * origin snapshot goes along when it was the last branch of it.
   */
  void finish(Database database) {
    Provisioning.ignoreMissing(() -> p.runtime.remove(database.id()));
    p.spares.forget(database.id());
    List<Snapshot> own = Lineage.snapshotsOf(p.catalog, database);
    Set<String> ownVolumes = new LinkedHashSet<>();
    ownVolumes.add(database.volume());
    own.forEach(s -> ownVolumes.add(s.volume()));
    Map<String, String> origins = new HashMap<>();
    if (database.volume().startsWith(database.id().value() + "-")) {   // reset or recycled: earlier volumes, spares
      p.volumes.list().stream().filter(v -> !v.isSnapshot())
          .filter(v -> Provisioning.ownerOf(v.volume(), Set.of(database.id())) != null)
          .forEach(v -> {
            ownVolumes.add(v.volume());
            if (v.originVolume() != null) {
              origins.put(v.volume(), v.originVolume());
            }
          });
    }
    // clones before the volumes they came from (a spare before the volume whose recycle point it is)
    List<String> order = new ArrayList<>(ownVolumes);
    order.sort(Comparator.comparingInt((String v) -> depth(v, origins, ownVolumes)).reversed());
    for (String volume : order) {
      if (p.volumes.exists(volume)) {
        p.volumes.destroy(volume, false);
      }
    }
    p.catalog.transact(tx -> {
      Instant now = p.clock.instant();
      for (Snapshot snapshot : own) {
        tx.delete(snapshot.id());
        tx.emit(Event.of(EventType.SNAPSHOT_DELETED, now, Lineage.snapshotData(snapshot)));
      }
      tx.delete(database.id());
      if (!Standbys.isStandby(database)) {
        tx.emit(Event.of(EventType.DATABASE_DELETED, now, Lineage.databaseData(database)));
      }
      return null;
    });
    if (database.origin() != null) {
      Provisioning.afterCommit("drop the unused automatic snapshot of " + database.name(),
          () -> dropAutomaticSnapshotIfUnused(database.origin()));
    }
  }

  /** How many of {@code own} a volume descends from. */
  private static int depth(String volume, Map<String, String> origins, Set<String> own) {
    int depth = 0;
    for (String v = origins.get(volume); v != null && own.contains(v) && depth < own.size(); v = origins.get(v)) {
      depth++;
    }
    return depth;
  }

  /** Destroys a snapshot whose name the caller holds, and the earlier volume it alone kept. */
  void destroySnapshot(Snapshot snapshot) {
    if (p.volumes.snapshotExists(snapshot.volume(), snapshot.id().value())) {
      p.volumes.destroySnapshot(snapshot.volume(), snapshot.id().value());
    }
    p.catalog.transact(tx -> {
      tx.delete(snapshot.id());
      tx.emit(Event.of(EventType.SNAPSHOT_DELETED, p.clock.instant(), Lineage.snapshotData(snapshot)));
      return null;
    });
    Provisioning.afterCommit("destroy the earlier volume of " + snapshot.databaseName() + " that held only snapshot "
        + snapshot.name(), () -> destroyVolumeIfUnused(snapshot.volume()));
  }

  /**
   * Destroys a volume nothing uses: no database's current volume, and home to no catalogued
   * snapshot. A reset leaves the branch's earlier volume to the snapshots taken on it; the last of
   * them takes it along.
   */
  void destroyVolumeIfUnused(String volume) {
    boolean used = p.catalog.databases().stream().anyMatch(d -> d.volume().equals(volume))
        || p.catalog.snapshots().stream().anyMatch(s -> s.volume().equals(volume));
    if (!used && p.volumes.exists(volume)) {
      p.volumes.destroy(volume, false);
    }
  }

  /** Automatic snapshots exist only for their branches: the last branch takes its snapshot along (caller holds it). */
  void dropAutomaticSnapshotIfUnused(SnapshotId id) {
    p.catalog.findSnapshot(id).filter(Snapshot::automatic)
        .filter(s -> Lineage.branchesOf(p.catalog, id).isEmpty())
        .ifPresent(this::destroySnapshot);
  }

  /** The same, taking the snapshot's name itself; for the reconciler. */
  void dropAutomaticSnapshotIfUnusedLocked(SnapshotId id) {
    p.catalog.findSnapshot(id).filter(Snapshot::automatic).ifPresent(s ->
        p.locked(Provisioning.keys(Provisioning.snap(s.name()), Locks.Mode.EXCLUSIVE), () -> {
          dropAutomaticSnapshotIfUnused(id);
          return null;
        }));
  }
}
