package io.stagdb.domain.service;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.port.out.VolumeInfo;
import io.stagdb.domain.port.out.VolumeStore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Spare volumes, so a recycle swaps in fresh data instead of rolling a volume back.
 *
 * <p>A recyclable branch's volumes form a group ({@code <id>--<n>}, see {@link VolumeStore}). Beside
 * the volume its engine uses, a clone of that volume's recycle point waits as {@code <id>--<n+1>},
 * made in the background. A recycle halts the engine, records the spare as the branch's volume,
 * points the engine at it ({@code DatabaseRuntime.relocate}) and resumes it: no rollback on the
 * way, and the engine starts on files nothing has just rewritten. In the background again the
 * spare is promoted (it takes over the recycle point), the next spare is cloned and the volume it
 * replaced is destroyed. Each step is repeatable: a server stopped in between has them finished by
 * the next recycle or the reconciler ({@link #tidy}).
 *
 * <p>Where the runtime cannot move an engine (mounts do not reach containers there), no spare is
 * made and a recycle rolls the volume back, as for a branch made before groups.
 */
final class Spares {
  private static final System.Logger LOG = System.getLogger(Spares.class.getName());
  private final Provisioning p;
  /** Per branch, since this server started: whether its spare is ready (true) or it cannot have one (false). */
  private final Map<DatabaseId, Boolean> known = new ConcurrentHashMap<>();

  Spares(Provisioning provisioning) {
    this.p = provisioning;
  }

  /** The first volume of a recyclable branch: the first of its group. */
  static String firstVolume(DatabaseId id) {
    return id.value() + VolumeStore.GROUP_SEPARATOR + 1;
  }

  /** The spare beside a grouped volume {@code <g>--<n>}: {@code <g>--<n+1>}; {@code null} for any other volume. */
  static String spareOf(String volume) {
    long n = generation(volume);
    return n < 1 ? null : VolumeStore.groupOf(volume) + VolumeStore.GROUP_SEPARATOR + (n + 1);
  }

  /** The volume a grouped volume {@code <g>--<n>} replaced: {@code <g>--<n-1>}; {@code null} for the first. */
  private static String previousOf(String volume) {
    long n = generation(volume);
    return n <= 1 ? null : VolumeStore.groupOf(volume) + VolumeStore.GROUP_SEPARATOR + (n - 1);
  }

  /** {@code n} of a volume {@code <g>--<n>} of a recyclable branch; 0 for any other volume. */
  private static long generation(String volume) {
    String group = VolumeStore.groupOf(volume);
    try {
      return group == null ? 0 : Long.parseLong(volume.substring(group.length() + VolumeStore.GROUP_SEPARATOR.length()));
    } catch (NumberFormatException notOurs) {
      return 0;
    }
  }

  /**
   * Moves a halted branch onto its spare, if it has one ready, and returns the branch as recorded
   * now; {@code null} when it has none or the runtime could not move it: nothing changed then.
   * The caller holds the branch.
   */
  Database swapIn(Database branch) {
    String spare = spareOf(branch.volume());
    if (spare == null) {
      return null;
    }
    if (!known.containsKey(branch.id()) && !settle(branch)) {
      tidy(branch);   // its spare not made yet, or the first recycle since this server started
    }
    if (!Boolean.TRUE.equals(known.get(branch.id()))) {
      return null;
    }
    known.remove(branch.id());   // used up, whatever happens next
    Database moved = branch.withVolume(spare, branch.origin(), p.clock.instant());
    // recorded first: a server stopped before the engine is moved has it moved by the reconciler
    // (the container runs on another volume than the catalogued one), onto the clean spare
    p.catalog.transact(tx -> {
      tx.update(moved);
      return null;
    });
    boolean relocated;
    try {
      relocated = p.runtime.relocate(branch.id(), p.volumes.mountPath(spare));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "could not move " + branch.name() + " onto its spare volume: " + e.getMessage());
      relocated = false;
    }
    if (!relocated) {
      p.catalog.transact(tx -> {
        tx.update(branch);
        return null;
      });
      return null;
    }
    return moved;
  }

  /** Settles a branch's group in the background, holding the branch (by whatever name it has then). */
  void tidyLater(DatabaseId id) {
    p.background.submit("prepare the spare volume of " + id, () -> {
      try {
        p.locked(() -> new Holding(id, p.catalog.findDatabase(id).orElse(null)), held -> {
          Database branch = held.database();
          if (branch != null && !settle(branch)) {
            tidy(branch);
          }
          return null;
        });
      } catch (RuntimeException e) {
        known.remove(id);   // looked at again by the next recycle
        throw e;
      }
    });
  }

  private record Holding(DatabaseId id, Database database) implements Provisioning.Plan {
    @Override
    public Map<String, Locks.Mode> keys() {
      return database == null ? Map.of() : Provisioning.keys(Provisioning.db(database.name()), Locks.Mode.EXCLUSIVE);
    }
  }

  /**
   * {@link #tidy} for the states a swap (or a new branch) leaves, without listing the store, the
   * caller holding the branch: the volume in use promoted while it is a clone of the one before it
   * (promote refuses anything else), its spare cloned unless it is there, the one before destroyed.
   * False when that did not do (the whole tidy then).
   */
  private boolean settle(Database branch) {
    String current = branch.volume();
    String spare = spareOf(current);
    if (spare == null) {
      return false;
    }
    String previous = previousOf(current);
    try {
      boolean previousThere = previous != null && p.volumes.exists(previous);
      if (previousThere) {
        try {
          p.volumes.promote(current, previous);
        } catch (ConflictException notItsClone) {
          // promoted already
        }
      }
      boolean movable = p.runtime.movable(branch.id());
      if (movable && !p.volumes.exists(spare)) {
        p.volumes.clone(current, Provisioning.RECYCLE_POINT, spare, branch.resources().storageBytes());
      }
      known.put(branch.id(), movable);
      if (previousThere && p.catalog.snapshots().stream().noneMatch(s -> s.volume().equals(previous))) {
        p.volumes.destroy(previous, false);
      }
      return true;
    } catch (RuntimeException e) {
      known.remove(branch.id());
      LOG.log(System.Logger.Level.DEBUG, "tidying " + branch.name() + "'s volumes the long way: " + e.getMessage());
      return false;
    }
  }

  /**
   * Brings a branch's group to its resting state, the caller holding the branch: the volume it uses
   * independent of the earlier ones (promoted), those destroyed unless a catalogued snapshot lives
   * on them, and its spare cloned from its recycle point when the runtime can move its engine.
   */
  void tidy(Database branch) {
    String current = branch.volume();
    String spare = spareOf(current);
    known.remove(branch.id());
    if (spare == null) {
      return;
    }
    String group = VolumeStore.groupOf(current);
    List<VolumeInfo> members = p.volumes.list().stream()
        .filter(i -> !i.isSnapshot() && group.equals(VolumeStore.groupOf(i.volume()))).toList();
    VolumeInfo now = members.stream().filter(i -> i.volume().equals(current)).findFirst().orElse(null);
    if (now == null) {
      return;   // the reconciler's to judge
    }
    if (now.originVolume() != null && group.equals(VolumeStore.groupOf(now.originVolume()))) {
      p.volumes.promote(current, now.originVolume());   // swapped in, and not promoted yet
    }
    Set<String> holdSnapshots = p.catalog.snapshots().stream().map(s -> s.volume()).collect(Collectors.toSet());
    boolean spareThere = false;
    for (VolumeInfo member : members) {
      if (member.volume().equals(spare)) {
        spareThere = true;
      } else if (!member.volume().equals(current) && !holdSnapshots.contains(member.volume())) {
        p.volumes.destroy(member.volume(), false);
      }
    }
    if (!p.runtime.movable(branch.id())) {
      known.put(branch.id(), false);
      return;
    }
    if (!spareThere && p.volumes.snapshotExists(current, Provisioning.RECYCLE_POINT)) {
      p.volumes.clone(current, Provisioning.RECYCLE_POINT, spare, branch.resources().storageBytes());
      spareThere = true;
    }
    if (spareThere) {
      known.put(branch.id(), true);
    }
  }

  /** Forgets a branch that left its group (a reset) or is gone. */
  void forget(DatabaseId id) {
    known.remove(id);
  }
}
