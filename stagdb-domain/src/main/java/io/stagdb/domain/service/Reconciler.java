package io.stagdb.domain.service;

import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.model.DatabaseStatus;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.port.out.ContainerState;
import io.stagdb.domain.port.out.ManagedContainer;
import io.stagdb.domain.port.out.VolumeInfo;
import io.stagdb.domain.port.out.VolumeStore;
import io.stagdb.domain.service.ReconcileReport.Action;
import io.stagdb.domain.service.ReconcileReport.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Brings the catalog, the volumes and the containers back into agreement after a crash: undoes
 * half-created databases, finishes half-done deletions, restarts what should run, and reports
 * (or removes, when configured to) what no database owns. Run it before serving requests. Each
 * repair takes the names of what it repairs, as any operation does, and works through the same
 * steps ({@link Provisioning}, {@link Removal}). Made by {@link StagDbService#reconciler}.
 */
public final class Reconciler {
  private final Provisioning p;
  private final Removal removal;
  private final boolean removeOrphans;
  private final DumpImports dumpImports;

  Reconciler(Provisioning provisioning, Removal removal, boolean removeOrphans) {
    this.p = provisioning;
    this.removal = removal;
    this.removeOrphans = removeOrphans;
    this.dumpImports = new DumpImports(provisioning);
  }

  /** Compares and repairs; with {@code dryRun}, only reports what it would do. */
  public ReconcileReport reconcile(boolean dryRun) {
    List<Action> actions = new ArrayList<>();
    repairDatabases(dryRun, actions);
    repairSnapshots(dryRun, actions);
    findOrphans(dryRun, actions);
    return new ReconcileReport(dryRun, actions);
  }

  /** Runs a repair of one database holding its name, on the database as it is then (skipped when it has changed). */
  private Runnable holding(Database database, Consumer<Database> repair) {
    return () -> p.locked(Provisioning.keys(Provisioning.db(database.name()), Locks.Mode.EXCLUSIVE), () -> {
      Database now = p.catalog.findDatabase(database.id()).orElse(null);
      if (now != null && now.status() == database.status() && now.volume().equals(database.volume())) {
        repair.accept(now);
      }
      return null;
    });
  }

  /** Phase 1: half-done creates and deletes, containers that should run, volumes that are gone. */
  private void repairDatabases(boolean dryRun, List<Action> actions) {
    Set<String> volumeNames = new HashSet<>();
    Set<String> interruptedImports = new HashSet<>();
    p.volumes.list().forEach(i -> {
      if (!i.isSnapshot()) {
        volumeNames.add(i.volume());
      } else if (DumpImports.SAFETY_POINT.equals(i.snapshot())) {
        interruptedImports.add(i.volume());
      }
    });
    Map<DatabaseId, ContainerState> states = new HashMap<>();
    Map<DatabaseId, Path> onVolume = new HashMap<>();
    p.runtime.list().forEach(c -> {
      states.put(c.id(), c.state());
      if (c.dataPath() != null) {
        onVolume.put(c.id(), c.dataPath());
      }
    });
    for (Database database : p.catalog.databases()) {
      ContainerState state = states.getOrDefault(database.id(), ContainerState.MISSING);
      Path runsOn = onVolume.get(database.id());
      switch (database.status()) {
        case CREATING -> actions.add(act(dryRun, Kind.UNDO_CREATE, database, "created only half-way",
            holding(database, this::undoCreate)));
        case IMPORTING -> actions.add(act(dryRun, Kind.UNDO_CREATE, database,
            "its import from " + database.source().masked() + " was cut short; the database is undone",
            holding(database, d -> {
              undoCreate(d);
              new LiveImports(p).failed(d, "the server stopped during the import");
            })));
        case DELETING -> actions.add(act(dryRun, Kind.FINISH_DELETE, database, "deleted only half-way",
            () -> removal.finish(List.of(database.id()))));
        case RUNNING, STOPPED, FAILED -> {
          String gone = "volume " + database.volume() + " is gone";
          if (interruptedImports.contains(database.volume())) {
            actions.add(act(dryRun, Kind.UNDO_IMPORT, database, "a dump import was cut short; its data is rolled back",
                holding(database, dumpImports::rollBack)));
          } else if (!volumeNames.contains(database.volume())) {
            if (database.status() != DatabaseStatus.FAILED) {
              actions.add(act(dryRun, Kind.MISSING_VOLUME, database, gone, holding(database, d -> p.markFailed(d, gone))));
            }
          } else if (runsOn != null && !runsOn.equals(p.volumes.mountPath(database.volume()))) {
            actions.add(act(dryRun, Kind.RECREATE_CONTAINER, database, "container runs on " + runsOn.getFileName()
                + ", not on the catalogued volume (a reset or recycle was interrupted)", holding(database, d -> {
                  p.runtime.remove(d.id());
                  if (Spares.spareOf(d.volume()) != null) {
                    p.spares.tidy(d);   // the recycle point to the volume in use, before a container is made on it
                  }
                  if (d.status() == DatabaseStatus.RUNNING) {
                    p.runtime.run(p.spec(d, p.volumes.mount(d.volume())));
                  }
                  p.spares.tidyLater(d.id());   // its spare, now that its container is there to be moved
                })));
          } else if (database.status() == DatabaseStatus.RUNNING && state == ContainerState.MISSING) {
            actions.add(act(dryRun, Kind.RECREATE_CONTAINER, database, "container is gone",
                holding(database, d -> p.runtime.run(p.spec(d, p.volumes.mount(d.volume()))))));
          } else if (database.status() == DatabaseStatus.RUNNING && state == ContainerState.HELD) {
            actions.add(act(dryRun, Kind.RESTART, database, "its engine is halted (a recycle was interrupted)",
                holding(database, d -> p.runtime.resume(d.id()))));
          } else if (database.status() == DatabaseStatus.RUNNING && state != ContainerState.RUNNING) {
            actions.add(act(dryRun, Kind.RESTART, database, "container is " + state.name().toLowerCase(Locale.ROOT),
                holding(database, d -> {
                  p.volumes.mount(d.volume());
                  p.runtime.start(d.id());
                })));
          }
        }
        default -> throw new IllegalStateException("unknown status " + database.status());
      }
    }
  }

  /** Phase 2: catalogued snapshots whose volume snapshot is gone, and automatic snapshots nobody uses. */
  private void repairSnapshots(boolean dryRun, List<Action> actions) {
    Set<String> stored = new HashSet<>();
    p.volumes.list().stream().filter(VolumeInfo::isSnapshot).forEach(i -> stored.add(i.volume() + "@" + i.snapshot()));
    for (Snapshot snapshot : p.catalog.snapshots()) {
      boolean unused = Lineage.branchesOf(p.catalog, snapshot.id()).isEmpty();
      String key = snapshot.volume() + "@" + snapshot.id().value();
      if (!stored.contains(key)) {
        actions.add(act(dryRun || !unused, Kind.MISSING_SNAPSHOT, snapshot.name().value(),
            "volume snapshot " + key + " is gone" + (unused ? "; its row is dropped" : "; branches still name it"),
            () -> p.locked(Provisioning.keys(Provisioning.snap(snapshot.name()), Locks.Mode.EXCLUSIVE),
                () -> p.catalog.transact(tx -> {
                  tx.delete(snapshot.id());
                  return null;
                }))));
      } else if (snapshot.automatic() && unused) {
        actions.add(act(dryRun, Kind.UNUSED_AUTOMATIC_SNAPSHOT, snapshot.name().value(),
            "automatic snapshot without branches", () -> removal.dropAutomaticSnapshotIfUnusedLocked(snapshot.id())));
      }
    }
  }

  /** The names stagDB gives the ZFS snapshots it records ({@link io.stagdb.domain.model.SnapshotId}). */
  private static final String SNAPSHOT_ID = "snap-[0-9a-f]{12}";

  /** Phase 3: what is left that no database owns, judged after the repairs above. */
  private void findOrphans(boolean dryRun, List<Action> actions) {
    boolean keep = dryRun || !removeOrphans;
    Set<DatabaseId> known = new HashSet<>();
    Set<String> ownedVolumes = new HashSet<>();
    Set<String> catalogued = new HashSet<>();
    Map<DatabaseId, Database> byId = new HashMap<>();
    p.catalog.databases().forEach(d -> {
      known.add(d.id());
      byId.put(d.id(), d);
      ownedVolumes.add(d.volume());
      String spare = Spares.spareOf(d.volume());
      if (spare != null) {
        ownedVolumes.add(spare);   // made ahead for its next recycle
      }
    });
    p.catalog.snapshots().forEach(s -> {
      catalogued.add(s.volume() + "@" + s.id().value());
      ownedVolumes.add(s.volume());   // an earlier volume of a reset branch, kept for its snapshots
    });
    for (ManagedContainer container : p.runtime.list()) {
      if (!known.contains(container.id())) {
        actions.add(act(keep, Kind.ORPHAN_CONTAINER, container.name(),
            "container of unknown database " + container.id(), () -> p.runtime.remove(container.id())));
      }
    }
    for (VolumeInfo info : p.volumes.list()) {
      if (info.isSnapshot() && ownedVolumes.contains(info.volume())
          && !catalogued.contains(info.volume() + "@" + info.snapshot())
          && !Provisioning.RECYCLE_POINT.equals(info.snapshot()) && !DumpImports.SAFETY_POINT.equals(info.snapshot())) {
        if (info.snapshot().matches(SNAPSHOT_ID)) {
          actions.add(act(dryRun, Kind.LEFTOVER_SNAPSHOT, info.volume() + "@" + info.snapshot(),
              "snapshot made by an operation cut short before the catalog recorded it",
              () -> p.volumes.destroySnapshot(info.volume(), info.snapshot())));
        } else {
          actions.add(act(keep, Kind.ORPHAN_SNAPSHOT, info.volume() + "@" + info.snapshot(),
              "snapshot the catalog does not know", () -> p.volumes.destroySnapshot(info.volume(), info.snapshot())));
        }
      } else if (!info.isSnapshot() && !ownedVolumes.contains(info.volume())) {
        DatabaseId owner = Provisioning.ownerOf(info.volume(), known);
        Database grouped = owner == null ? null : byId.get(owner);
        if (grouped != null && VolumeStore.groupOf(info.volume()) != null
            && VolumeStore.groupOf(info.volume()).equals(VolumeStore.groupOf(grouped.volume()))) {
          actions.add(act(dryRun, Kind.LEFTOVER_VOLUME, info.volume(), "earlier volume of database " + owner.value()
              + " (a recycle did not finish its clean-up)", holding(grouped, p.spares::tidy)));
        } else if (owner != null) {
          actions.add(act(dryRun, Kind.LEFTOVER_VOLUME, info.volume(), "earlier or half-made volume of database "
              + owner.value() + " (a reset did not finish its clean-up)", () -> p.volumes.destroy(info.volume(), false)));
        } else {
          actions.add(act(keep, Kind.ORPHAN_VOLUME, info.volume(), "volume no database owns",
              () -> p.volumes.destroy(info.volume(), false)));
        }
      }
    }
    for (String stray : p.volumes.strayMountDirectories()) {   // empty, and no volume of any owner: ours to tidy
      actions.add(act(dryRun, Kind.STRAY_MOUNT_DIRECTORY, stray, "empty mount directory of a volume that is gone",
          () -> p.volumes.removeMountDirectory(stray)));
    }
  }

  private void undoCreate(Database database) {
    try {
      p.runtime.remove(database.id());
    } catch (NotFoundException alreadyGone) {
      // never got that far
    }
    if (p.volumes.exists(database.volume())) {
      p.volumes.destroy(database.volume(), false);
    }
    p.catalog.transact(tx -> {
      tx.delete(database.id());
      return null;
    });
  }

  private static Action act(boolean dryRun, Kind kind, Database database, String detail, Runnable repair) {
    return act(dryRun, kind, database.name().value(), detail, repair);
  }

  private static Action act(boolean reportOnly, Kind kind, String subject, String detail, Runnable repair) {
    if (reportOnly) {
      return new Action(kind, subject, detail, false, null);
    }
    try {
      repair.run();
      return new Action(kind, subject, detail, true, null);
    } catch (RuntimeException e) {
      return new Action(kind, subject, detail, false, e.getMessage());
    }
  }
}
