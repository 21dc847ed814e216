package io.stagdb.domain.service;

import io.stagdb.domain.port.in.StepTimings;
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
import io.stagdb.domain.port.out.ContainerState;
import io.stagdb.domain.port.out.VolumeIo;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Branches: from a database or a snapshot, and back to their origin by reset (a fresh clone) or recycle (in place). */
final class Branching {
  private final Provisioning p;
  private final Removal removal;
  private final Validation validation;
  private final Standbys standbys;

  Branching(Provisioning provisioning, Removal removal, Validation validation, Standbys standbys) {
    this.p = provisioning;
    this.removal = removal;
    this.validation = validation;
    this.standbys = standbys;
  }

  private record BranchPlan(Integer port, Instant expiresAt) {
  }

  private BranchPlan plan(CreateBranch request) {
    Validation.labels(request.labels());
    Validation.name(request.name());
    p.requireNameFree(request.name());   // answer at once rather than wait for an operation on that name
    return new BranchPlan(validation.port(request.port()), validation.expiry(request.ttl()));
  }

  Database fromDatabase(DatabaseName source, CreateBranch request) {
    BranchPlan plan = plan(request);
    SnapshotName automaticName = Provisioning.automaticSnapshotName();
    return p.locked(Provisioning.keys(Provisioning.db(source), Locks.Mode.SHARED,
        Provisioning.db(request.name()), Locks.Mode.EXCLUSIVE,
        Provisioning.snap(automaticName), Locks.Mode.EXCLUSIVE), () -> {
          Database origin = Lineage.requireDatabase(p.catalog, source);
          Provisioning.requireUsable(origin);
          p.requireNameFree(request.name());
          Snapshot automatic = p.takeSnapshot(origin, automaticName, true);
          try {
            return branch(automatic, origin, request, plan, false);
          } catch (RuntimeException e) {
            Undo undo = new Undo();
            undo.push(() -> removal.destroySnapshot(automatic));
            throw undo.rollback(e);
          }
        });
  }

  Database fromSnapshot(SnapshotName source, CreateBranch request) {
    BranchPlan plan = plan(request);
    Database branch = standbys.enabled() && plan.port() == null ? fromStandby(source, request, plan) : null;
    if (branch == null) {
      branch = p.locked(Provisioning.keys(Provisioning.snap(source), Locks.Mode.SHARED,
          Provisioning.db(request.name()), Locks.Mode.EXCLUSIVE), () -> {
            Snapshot snapshot = Lineage.requireSnapshot(p.catalog, source);
            Database origin = usableOrigin(snapshot);
            p.requireNameFree(request.name());
            return branch(snapshot, origin, request, plan, false);
          });
    }
    p.catalog.findSnapshot(source).ifPresent(this::replenish);
    return branch;
  }

  /** The database a snapshot is of, refusing one that is being deleted. */
  private Database usableOrigin(Snapshot snapshot) {
    Database origin = p.catalog.findDatabase(snapshot.database())
        .orElseThrow(() -> new NotFoundException("database", snapshot.databaseName().value()));
    if (origin.status() == DatabaseStatus.DELETING) {
      throw new ConflictException(ConflictException.Reason.BUSY, "snapshot '" + snapshot.name() + "' goes with database '"
          + origin.name() + "', which is being deleted");
    }
    return origin;
  }

  /** A standby of the snapshot to hand over, with the names that takes. */
  private record Take(Snapshot snapshot, Database origin, Database standby, DatabaseName name) implements Provisioning.Plan {
    @Override
    public Map<String, Locks.Mode> keys() {
      Map<String, Locks.Mode> keys = Provisioning.keys(Provisioning.snap(snapshot.name()), Locks.Mode.SHARED,
          Provisioning.db(name), Locks.Mode.EXCLUSIVE);
      if (standby != null) {
        Provisioning.put(keys, Provisioning.db(standby.name()), Locks.Mode.EXCLUSIVE);
      }
      return keys;
    }
  }

  /** The branch, handed over from a standby of the snapshot; {@code null} when none fits the request. */
  private Database fromStandby(SnapshotName source, CreateBranch request, BranchPlan plan) {
    return p.locked(() -> {
      Snapshot snapshot = Lineage.requireSnapshot(p.catalog, source);
      Database origin = usableOrigin(snapshot);
      Resources wanted = p.settings.resources().resolve("config.", request.resources(), origin.resources());
      return new Take(snapshot, origin, standbys.candidate(snapshot, wanted), request.name());
    }, take -> {
      if (take.standby() == null) {
        return null;
      }
      p.requireNameFree(request.name());
      return standbys.handOver(take.standby(), take.snapshot(), take.origin(), request, plan.expiresAt());
    });
  }

  /** Makes standbys of a snapshot in the background, up to the setting. */
  private void replenish(Snapshot snapshot) {
    standbys.replenish(snapshot, request -> p.locked(Provisioning.keys(Provisioning.snap(snapshot.name()), Locks.Mode.SHARED,
        Provisioning.db(request.name()), Locks.Mode.EXCLUSIVE), () -> {
          Snapshot current = Lineage.requireSnapshot(p.catalog, snapshot.name());
          Database origin = usableOrigin(current);
          return branch(current, origin, request, new BranchPlan(null, p.clock.instant().plus(request.ttl())), true);
        }));
  }

  /**
   * reserve name+port → clone → run → wait ready → own password (→ recycle point) → RUNNING +
   * event; undone on failure. A standby is labelled as one and announced to no one.
   */
  private Database branch(Snapshot snapshot, Database origin, CreateBranch request, BranchPlan plan, boolean standby) {
    Resources resources = p.settings.resources().resolve("config.", request.resources(), origin.resources());
    Instant now = p.clock.instant();
    DatabaseId id = DatabaseId.random();
    Credentials inherited = origin.credentials();
    Credentials own = inherited.withPassword(p.secrets.password());
    Map<String, String> labels = new LinkedHashMap<>(origin.labels());
    labels.putAll(request.labels());
    if (standby) {
      labels.put(Standbys.LABEL, snapshot.id().value());
    }
    Database draft = new Database(id, request.name(), origin.engine(), DatabaseStatus.CREATING, resources, 0, own,
        origin.env(), List.of(), origin.engineSettings(), null, null,
        request.recyclable() ? Spares.firstVolume(id) : Provisioning.firstVolume(id), snapshot.id(), plan.expiresAt(), labels,
        null, now, now);
    Undo undo = new Undo();
    try {
      Database reserved = StepTimings.step("reserve", () -> p.reserve(draft, plan.port(), undo));
      Path data = StepTimings.step("clone", () -> p.makeVolume(reserved.volume(), undo, () -> p.volumes.clone(
          snapshot.volume(), snapshot.id().value(), reserved.volume(), resources.storageBytes())));
      Database running = StepTimings.step("container",
          () -> p.runContainer(reserved, data, plan.port() != null, request.recyclable(), undo));
      StepTimings.step("ready", () -> p.runtime.awaitReady(id, inherited, p.settings.readyTimeout()));
      StepTimings.step("credentials", () -> p.runtime.rotatePassword(id, inherited, own.password()));
      if (request.recyclable()) {
        p.takeRecyclePoint(running);
      }
      Database created = StepTimings.step("catalog", () -> p.markRunning(running, EventType.BRANCH_CREATED,
          Map.of("snapshot", snapshot.name().value(), "source", origin.name().value())));
      if (request.recyclable()) {
        p.spares.tidyLater(id);
      }
      return created;
    } catch (RuntimeException e) {
      throw undo.rollback(e);
    }
  }

  /** A reset or recycle: the branch, the snapshot it goes back to, and the snapshot it leaves. */
  private record Rewind(Database branch, Snapshot current, Snapshot target) implements Provisioning.Plan {
    @Override
    public Map<String, Locks.Mode> keys() {
      Map<String, Locks.Mode> keys = Provisioning.keys(Provisioning.db(branch.name()), Locks.Mode.EXCLUSIVE,
          Provisioning.snap(target.name()), Locks.Mode.SHARED);
      // the snapshot left behind goes when it is automatic and this was its last branch
      Provisioning.put(keys, Provisioning.snap(current.name()),
          current.automatic() && !current.id().equals(target.id()) ? Locks.Mode.EXCLUSIVE : Locks.Mode.SHARED);
      return keys;
    }
  }

  private Rewind rewind(DatabaseName branchName, SnapshotName snapshotName) {
    Database branch = Lineage.requireDatabase(p.catalog, branchName);
    Provisioning.requireUsable(branch);
    if (!branch.isBranch()) {
      throw new ConflictException(ConflictException.Reason.INVALID_STATE,
          "'" + branchName + "' is not a branch; only branches can be reset");
    }
    Snapshot current = p.catalog.findSnapshot(branch.origin())
        .orElseThrow(() -> new NotFoundException("snapshot", branch.origin().value()));
    Snapshot target = current;
    if (snapshotName != null) {
      target = Lineage.requireSnapshot(p.catalog, snapshotName);
      if (!target.database().equals(current.database())) {
        throw new InvalidRequestException("snapshot", "'" + snapshotName + "' is a snapshot of '"
            + target.databaseName() + "', not of '" + current.databaseName() + "', the origin of '" + branchName + "'");
      }
    }
    return new Rewind(branch, current, target);
  }

  private Credentials originCredentials(Snapshot target) {
    return p.catalog.findDatabase(target.database())
        .orElseThrow(() -> new NotFoundException("database", target.databaseName().value())).credentials();
  }

  Database reset(DatabaseName branchName, SnapshotName snapshotName) {
    return p.locked(() -> rewind(branchName, snapshotName), plan -> resetHeld(plan, originCredentials(plan.target())));
  }

  /**
   * Re-clones the branch from the target into a fresh volume and swaps its container over; the
   * old volume is destroyed only once the new one serves, so a failure leaves the branch as it was.
   */
  private Database resetHeld(Rewind plan, Credentials inherited) {
    Database branch = plan.branch();
    Snapshot target = plan.target();
    String newVolume = Provisioning.nextVolume(branch.id());
    Database reset = branch.withVolume(newVolume, target.id(), p.clock.instant());
    boolean recyclable = p.volumes.snapshotExists(branch.volume(), Provisioning.RECYCLE_POINT);
    Undo undo = new Undo();
    try {
      Path data = p.makeVolume(newVolume, undo, () -> p.volumes.clone(target.volume(), target.id().value(), newVolume,
          branch.resources().storageBytes()));
      boolean wasRunning = p.runtime.state(branch.id()) == ContainerState.RUNNING;
      Provisioning.ignoreMissing(() -> p.runtime.remove(branch.id()));
      undo.push(() -> {
        p.runtime.run(p.spec(branch, p.volumes.mount(branch.volume())));
        if (!wasRunning) {
          p.runtime.stop(branch.id());
        }
      });
      p.runtime.run(p.spec(reset, data, recyclable));
      undo.push(() -> Provisioning.ignoreMissing(() -> p.runtime.remove(branch.id())));
      p.runtime.awaitReady(branch.id(), inherited, p.settings.readyTimeout());
      p.runtime.rotatePassword(branch.id(), inherited, branch.credentials().password());
      if (recyclable) {
        p.takeRecyclePoint(reset);   // destroyed with the new volume on an undo
      }
      Database running = p.catalog.transact(tx -> {
        Database d = reset.withStatus(DatabaseStatus.RUNNING, null, p.clock.instant());
        tx.update(d);
        tx.emit(Event.of(EventType.BRANCH_RESET, d.updatedAt(),
            Lineage.withData(Lineage.databaseData(d), "snapshot", target.name().value())));
        return d;
      });
      undo = new Undo();   // committed: from here on, clean-up failures must not undo the reset
      p.spares.forget(branch.id());
      String spare = Spares.spareOf(branch.volume());
      if (spare != null) {   // it hangs on the old volume's recycle point
        Provisioning.afterCommit("destroy the spare volume of " + branch.name(), () -> removal.destroyVolumeIfUnused(spare));
      }
      Provisioning.afterCommit("destroy the old volume of " + branch.name(),
          () -> removal.destroyVolumeIfUnused(branch.volume()));
      if (!plan.current().id().equals(target.id())) {
        Provisioning.afterCommit("drop the unused automatic snapshot of " + branch.name(),
            () -> removal.dropAutomaticSnapshotIfUnused(plan.current().id()));
      }
      return running;
    } catch (RuntimeException e) {
      throw undo.rollback(e);
    }
  }

  /**
   * Puts a recyclable branch back to its origin's data in place: the engine is stopped at once
   * (its changes are being thrown away), the volume rolled back to the point taken when the branch
   * was made, and the same container started again on the same port with the same password. A
   * failure leaves the branch FAILED with the reason; the caller deletes it.
   */
  Database recycle(DatabaseName branchName) {
    return p.locked(() -> rewind(branchName, null), plan -> {
      Database branch = plan.branch();
      String cannot = StepTimings.step("check", () -> whyNotRecyclable(branch));
      if (cannot != null) {
        throw new ConflictException(ConflictException.Reason.INVALID_STATE, "branch '" + branchName + "' " + cannot);
      }
      Database back;
      try {
        back = putBack(branch);
      } catch (RuntimeException e) {
        Provisioning.afterCommit("record that recycling " + branchName + " failed",
            () -> p.markFailed(p.catalog.findDatabase(branch.id()).orElse(branch), "recycle failed: " + e.getMessage()));
        throw e;
      }
      Database recycled = StepTimings.step("catalog",
          () -> p.markRunning(back, EventType.BRANCH_RECYCLED, Map.of("snapshot", plan.target().name().value())));
      if (!back.volume().equals(branch.volume())) {
        p.spares.tidyLater(branch.id());   // swapped: the next spare comes, the old volume goes
      }
      return recycled;
    });
  }

  /**
   * Why a branch cannot be recycled in place, or {@code null}. A restartable container is made only
   * on a volume with a recycle point, and the point goes only with its volume (a reset makes both
   * anew): asking the runtime spares a volume-store lookup (about 20 ms on zfs-fuse) on the hot path.
   */
  private String whyNotRecyclable(Database branch) {
    if (!p.runtime.restartable(branch.id()) && !p.volumes.snapshotExists(branch.volume(), Provisioning.RECYCLE_POINT)) {
      return "was not created recyclable (\"recyclable\": true when branching); reset it instead";
    }
    List<String> own = Lineage.snapshotsOf(p.catalog, branch).stream().filter(s -> s.volume().equals(branch.volume()))
        .map(s -> s.name().value()).sorted().toList();
    return own.isEmpty() ? null : "has snapshots of its own " + own + " that a recycle would destroy; reset it instead";
  }

  /**
   * The engine halted at once, moved onto the spare volume ({@link Spares}) or its volume rolled back
   * to the recycle point, resumed and ready; the branch as recorded now.
   */
  private Database putBack(Database branch) {
    ContainerState state = p.runtime.state(branch.id());
    if (state != ContainerState.MISSING) {
      StepTimings.step("halt", () -> p.runtime.halt(branch.id(), false));
      Database moved = StepTimings.step("swap", () -> p.spares.swapIn(branch));
      if (moved != null) {
        StepTimings.step("resume", () -> p.runtime.resume(branch.id()));
        awaitReady(branch);
        return moved;
      }
    }
    if (state == ContainerState.MISSING && Spares.spareOf(branch.volume()) != null) {
      p.spares.tidy(branch);   // a swap cut short may have left its recycle point on the volume it replaced
    }
    StepTimings.step("rollback", () -> p.volumes.rollback(branch.volume(), Provisioning.RECYCLE_POINT));
    if (state == ContainerState.MISSING) {
      StepTimings.step("container", () -> p.runtime.run(p.spec(branch, p.volumes.mount(branch.volume()), true)));
    } else {
      StepTimings.step("resume", () -> p.runtime.resume(branch.id()));
    }
    awaitReady(branch);
    return branch;
  }

  /**
   * The recycle point is a clean shutdown with the branch's own password: no recovery, no rotation.
   * Background volume work (another branch's next spare, say) holds back while the engine starts.
   */
  private void awaitReady(Database branch) {
    StepTimings.step("ready", () -> VolumeIo.awaited(() -> {
      p.runtime.awaitReady(branch.id(), branch.credentials(), p.settings.readyTimeout());
      return null;
    }));
  }

  /**
   * Takes a branch back to keep it ready: it becomes a standby of its snapshot at once (its name is
   * free again) and is recycled in place in the background, for the next branch of that snapshot
   * (the next test run's pool, typically). Empty when it cannot be kept (not recyclable, snapshots of
   * its own, standbys off or the snapshot has enough): the caller deletes it then. {@code waitForIt}
   * false: busy at once when another operation (a recycle, say) has the branch.
   */
  java.util.Optional<Database> release(DatabaseName branchName, boolean waitForIt) {
    java.util.function.Function<Rewind, Database> work = plan -> {
      Database branch = plan.branch();
      if (Standbys.isStandby(branch) || !standbys.roomFor(plan.current()) || whyNotRecyclable(branch) != null) {
        return null;
      }
      return standbys.takeBack(branch, plan.current());
    };
    Database standby = waitForIt ? p.locked(() -> rewind(branchName, null), work)
        : p.lockedIfFree(() -> rewind(branchName, null), work);
    if (standby == null) {
      return java.util.Optional.empty();
    }
    SnapshotId origin = standby.origin();
    p.background.submit("recycle " + standby.name() + " to keep it ready", () -> {
      boolean clean = p.locked(Provisioning.keys(Provisioning.db(standby.name()), Locks.Mode.EXCLUSIVE), () -> {
        Database current = p.catalog.findDatabase(standby.id()).orElse(null);
        Snapshot snapshot = p.catalog.findSnapshot(origin).orElse(null);
        if (current == null || snapshot == null) {
          return true;   // gone meanwhile, with its snapshot
        }
        try {
          Database back = putBack(current);
          standbys.cleaned(back, snapshot);
          if (!back.volume().equals(current.volume())) {
            p.spares.tidyLater(back.id());
          }
          return true;
        } catch (RuntimeException e) {
          return false;
        }
      });
      if (!clean) {
        removal.finish(List.of(standby.id()));   // a standby that cannot be recycled is not kept
      }
    });
    return java.util.Optional.of(standby);
  }
}
