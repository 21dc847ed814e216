package io.stagdb.domain.service;

import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.model.DatabaseStatus;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.port.out.Catalog;
import io.stagdb.domain.port.out.ContainerState;
import io.stagdb.domain.port.out.DatabaseRuntime;
import io.stagdb.domain.port.out.ManagedContainer;
import io.stagdb.domain.port.out.VolumeInfo;
import io.stagdb.domain.port.out.VolumeStore;
import io.stagdb.domain.error.NotFoundException;
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

/**
 * Brings the catalog, the volumes and the containers back into agreement after a crash: undoes
 * half-created databases, finishes half-done deletions, restarts what should run, and reports
 * (or removes, when configured to) what no database owns. Run it before serving requests.
 */
public final class Reconciler {
  private final StagDbService service;
  private final VolumeStore volumes;
  private final DatabaseRuntime runtime;
  private final Catalog catalog;
  private final boolean removeOrphans;

  public Reconciler(StagDbService service, VolumeStore volumes, DatabaseRuntime runtime, Catalog catalog,
                    boolean removeOrphans) {
    this.service = service;
    this.volumes = volumes;
    this.runtime = runtime;
    this.catalog = catalog;
    this.removeOrphans = removeOrphans;
  }

  /** Compares and repairs; with {@code dryRun}, only reports what it would do. */
  public ReconcileReport reconcile(boolean dryRun) {
    List<Action> actions = new ArrayList<>();
    repairDatabases(dryRun, actions);
    repairSnapshots(dryRun, actions);
    findOrphans(dryRun, actions);
    return new ReconcileReport(dryRun, actions);
  }

  /** Phase 1: half-done creates and deletes, containers that should run, volumes that are gone. */
  private void repairDatabases(boolean dryRun, List<Action> actions) {
    Set<String> volumeNames = new HashSet<>();
    volumes.list().stream().filter(i -> !i.isSnapshot()).forEach(i -> volumeNames.add(i.volume()));
    Map<DatabaseId, ContainerState> states = new HashMap<>();
    Map<DatabaseId, Path> onVolume = new HashMap<>();
    runtime.list().forEach(c -> {
      states.put(c.id(), c.state());
      if (c.dataPath() != null) {
        onVolume.put(c.id(), c.dataPath());
      }
    });
    for (Database database : catalog.databases()) {
      ContainerState state = states.getOrDefault(database.id(), ContainerState.MISSING);
      Path runsOn = onVolume.get(database.id());
      switch (database.status()) {
        case CREATING -> actions.add(act(dryRun, Kind.UNDO_CREATE, database, "created only half-way",
            () -> undoCreate(database)));
        case DELETING -> actions.add(act(dryRun, Kind.FINISH_DELETE, database, "deleted only half-way",
            () -> service.finishDelete(database)));
        case RUNNING, STOPPED, FAILED -> {
          String gone = "volume " + database.volume() + " is gone";
          if (!volumeNames.contains(database.volume())) {
            if (database.status() != DatabaseStatus.FAILED) {
              actions.add(act(dryRun, Kind.MISSING_VOLUME, database, gone, () -> service.markFailed(database, gone)));
            }
          } else if (runsOn != null && !runsOn.equals(volumes.mountPath(database.volume()))) {
            actions.add(act(dryRun, Kind.RECREATE_CONTAINER, database, "container runs on " + runsOn.getFileName()
                + ", not on the catalogued volume (a reset was interrupted)", () -> {
                  runtime.remove(database.id());
                  if (database.status() == DatabaseStatus.RUNNING) {
                    runtime.run(service.spec(database, volumes.mount(database.volume())));
                  }
                }));
          } else if (database.status() == DatabaseStatus.RUNNING && state == ContainerState.MISSING) {
            actions.add(act(dryRun, Kind.RECREATE_CONTAINER, database, "container is gone",
                () -> runtime.run(service.spec(database, volumes.mount(database.volume())))));
          } else if (database.status() == DatabaseStatus.RUNNING && state != ContainerState.RUNNING) {
            actions.add(act(dryRun, Kind.RESTART, database, "container is " + state.name().toLowerCase(Locale.ROOT),
                () -> {
                  volumes.mount(database.volume());
                  runtime.start(database.id());
                }));
          }
        }
        default -> throw new IllegalStateException("unknown status " + database.status());
      }
    }
  }

  /** Phase 2: catalogued snapshots whose volume snapshot is gone, and automatic snapshots nobody uses. */
  private void repairSnapshots(boolean dryRun, List<Action> actions) {
    Set<String> stored = new HashSet<>();
    volumes.list().stream().filter(VolumeInfo::isSnapshot).forEach(i -> stored.add(i.volume() + "@" + i.snapshot()));
    for (Snapshot snapshot : catalog.snapshots()) {
      boolean unused = StagDbService.branchesOf(catalog, snapshot.id()).isEmpty();
      String key = snapshot.volume() + "@" + snapshot.id().value();
      if (!stored.contains(key)) {
        actions.add(act(dryRun || !unused, Kind.MISSING_SNAPSHOT, snapshot.name().value(),
            "volume snapshot " + key + " is gone" + (unused ? "; its row is dropped" : "; branches still name it"),
            () -> catalog.transact(tx -> {
              tx.delete(snapshot.id());
              return null;
            })));
      } else if (snapshot.automatic() && unused) {
        actions.add(act(dryRun, Kind.UNUSED_AUTOMATIC_SNAPSHOT, snapshot.name().value(),
            "automatic snapshot without branches", () -> service.dropAutomaticSnapshotIfUnused(snapshot.id())));
      }
    }
  }

  /** Phase 3: what is left that no database owns, judged after the repairs above. */
  private void findOrphans(boolean dryRun, List<Action> actions) {
    boolean keep = dryRun || !removeOrphans;
    Set<DatabaseId> known = new HashSet<>();
    Set<String> ownedVolumes = new HashSet<>();
    Set<String> catalogued = new HashSet<>();
    catalog.databases().forEach(d -> {
      known.add(d.id());
      ownedVolumes.add(d.volume());
    });
    catalog.snapshots().forEach(s -> {
      catalogued.add(s.volume() + "@" + s.id().value());
      ownedVolumes.add(s.volume());   // an earlier volume of a reset branch, kept for its snapshots
    });
    for (ManagedContainer container : runtime.list()) {
      if (!known.contains(container.id())) {
        actions.add(act(keep, Kind.ORPHAN_CONTAINER, container.name(),
            "container of unknown database " + container.id(), () -> runtime.remove(container.id())));
      }
    }
    for (VolumeInfo info : volumes.list()) {
      if (info.isSnapshot() && ownedVolumes.contains(info.volume())
          && !catalogued.contains(info.volume() + "@" + info.snapshot())) {
        actions.add(act(keep, Kind.ORPHAN_SNAPSHOT, info.volume() + "@" + info.snapshot(),
            "snapshot the catalog does not know", () -> volumes.destroySnapshot(info.volume(), info.snapshot())));
      } else if (!info.isSnapshot() && !ownedVolumes.contains(info.volume())) {
        DatabaseId owner = ownerOf(info.volume(), known);
        if (owner != null) {
          actions.add(act(dryRun, Kind.LEFTOVER_VOLUME, info.volume(), "earlier or half-made volume of database "
              + owner.value() + " (a reset did not finish its clean-up)", () -> volumes.destroy(info.volume(), false)));
        } else {
          actions.add(act(keep, Kind.ORPHAN_VOLUME, info.volume(), "volume no database owns",
              () -> volumes.destroy(info.volume(), false)));
        }
      }
    }
  }

  /** The known database a volume is named after: its first volume is its id, later ones (resets) {@code <id>-<suffix>}. */
  private static DatabaseId ownerOf(String volume, Set<DatabaseId> known) {
    return known.stream().filter(id -> volume.equals(id.value()) || volume.startsWith(id.value() + "-"))
        .findFirst().orElse(null);
  }

  private void undoCreate(Database database) {
    try {
      runtime.remove(database.id());
    } catch (NotFoundException alreadyGone) {
      // never got that far
    }
    if (volumes.exists(database.volume())) {
      volumes.destroy(database.volume(), false);
    }
    catalog.transact(tx -> {
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
