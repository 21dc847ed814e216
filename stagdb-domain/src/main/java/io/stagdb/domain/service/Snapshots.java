package io.stagdb.domain.service;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.model.SnapshotName;
import java.util.List;
import java.util.Map;

/** Named snapshots: take, read, and delete (with cascade, the branches made from them first). */
final class Snapshots {
  private final Provisioning p;
  private final Removal removal;

  Snapshots(Provisioning provisioning, Removal removal) {
    this.p = provisioning;
    this.removal = removal;
  }

  Snapshot snapshot(DatabaseName databaseName, SnapshotName name) {
    return p.locked(Provisioning.keys(Provisioning.db(databaseName), Locks.Mode.EXCLUSIVE,
        Provisioning.snap(name), Locks.Mode.EXCLUSIVE), () -> {
          Database database = Lineage.requireDatabase(p.catalog, databaseName);
          if (p.catalog.findSnapshot(name).isPresent()) {
            throw ConflictException.alreadyExists("snapshot", name.value());
          }
          return p.takeSnapshot(database, name, false);
        });
  }

  Snapshot get(SnapshotName name) {
    return Lineage.requireSnapshot(p.catalog, name);
  }

  List<Snapshot> list(DatabaseName database) {
    if (database == null) {
      return p.catalog.snapshots();
    }
    return Lineage.snapshotsOf(p.catalog, Lineage.requireDatabase(p.catalog, database));
  }

  /** A snapshot to delete and the deletion of its branches (and theirs). */
  private record SnapshotDeletion(Snapshot snapshot, Removal.Deletion branches) implements Provisioning.Plan {
    @Override
    public Map<String, Locks.Mode> keys() {
      Map<String, Locks.Mode> keys = new java.util.LinkedHashMap<>(branches.keys());
      Provisioning.put(keys, Provisioning.snap(snapshot.name()), Locks.Mode.EXCLUSIVE);
      return keys;
    }
  }

  void delete(SnapshotName name, boolean cascade) {
    p.locked(() -> {
      Snapshot snapshot = Lineage.requireSnapshot(p.catalog, name);
      return new SnapshotDeletion(snapshot, removal.plan(p.catalog, Lineage.branchesOf(p.catalog, snapshot.id())));
    }, plan -> {
      List<Database> dependents = Standbys.visible(plan.branches().order());   // its standbys go along unasked
      if (!dependents.isEmpty() && !cascade) {
        List<String> names = Lineage.names(Standbys.visible(Lineage.branchesOf(p.catalog, plan.snapshot().id())));
        throw new ConflictException(ConflictException.Reason.HAS_DEPENDENTS, "snapshot '" + name + "' has branches: "
            + names + "; delete them first or use cascade", names, null);
      }
      for (Database d : removal.markDeleting(plan.branches())) {
        removal.finish(d);   // an automatic snapshot goes with its last branch; a named one stays until dropped here
      }
      p.catalog.findSnapshot(plan.snapshot().id()).ifPresent(removal::destroySnapshot);
      return null;
    });
  }
}
