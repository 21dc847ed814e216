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
import io.stagdb.domain.model.SnapshotName;
import io.stagdb.domain.port.in.CreateBranch;
import io.stagdb.domain.port.out.ContainerState;
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

  Branching(Provisioning provisioning, Removal removal, Validation validation) {
    this.p = provisioning;
    this.removal = removal;
    this.validation = validation;
  }

  private record BranchPlan(Integer port, Instant expiresAt) {
  }

  private BranchPlan plan(CreateBranch request) {
    Validation.labels(request.labels());
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
            return branch(automatic, origin, request, plan);
          } catch (RuntimeException e) {
            Undo undo = new Undo();
            undo.push(() -> removal.destroySnapshot(automatic));
            throw undo.rollback(e);
          }
        });
  }

  Database fromSnapshot(SnapshotName source, CreateBranch request) {
    BranchPlan plan = plan(request);
    return p.locked(Provisioning.keys(Provisioning.snap(source), Locks.Mode.SHARED,
        Provisioning.db(request.name()), Locks.Mode.EXCLUSIVE), () -> {
          Snapshot snapshot = Lineage.requireSnapshot(p.catalog, source);
          Database origin = p.catalog.findDatabase(snapshot.database())
              .orElseThrow(() -> new NotFoundException("database", snapshot.databaseName().value()));
          if (origin.status() == DatabaseStatus.DELETING) {
            throw new ConflictException(ConflictException.Reason.BUSY, "snapshot '" + source + "' goes with database '"
                + origin.name() + "', which is being deleted");
          }
          p.requireNameFree(request.name());
          return branch(snapshot, origin, request, plan);
        });
  }

  /**
   * reserve name+port → clone (→ recycle point) → run → wait ready → own password → RUNNING +
   * event; undone on failure.
   */
  private Database branch(Snapshot snapshot, Database origin, CreateBranch request, BranchPlan plan) {
    Resources resources = p.settings.resources().resolve("config.", request.resources(), origin.resources());
    Instant now = p.clock.instant();
    DatabaseId id = DatabaseId.random();
    Credentials inherited = origin.credentials();
    Credentials own = inherited.withPassword(p.secrets.password());
    Map<String, String> labels = new LinkedHashMap<>(origin.labels());
    labels.putAll(request.labels());
    Database draft = new Database(id, request.name(), origin.engine(), DatabaseStatus.CREATING, resources, 0, own,
        origin.env(), List.of(), Provisioning.firstVolume(id), snapshot.id(), plan.expiresAt(), labels, null, now, now);
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
      return StepTimings.step("catalog", () -> p.markRunning(running, EventType.BRANCH_CREATED,
          Map.of("snapshot", snapshot.name().value(), "source", origin.name().value())));
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
      if (!p.volumes.snapshotExists(branch.volume(), Provisioning.RECYCLE_POINT)) {
        throw new ConflictException(ConflictException.Reason.INVALID_STATE, "branch '" + branchName + "' was not"
            + " created recyclable (\"recyclable\": true when branching); reset it instead");
      }
      List<String> own = Lineage.snapshotsOf(p.catalog, branch).stream().filter(s -> s.volume().equals(branch.volume()))
          .map(s -> s.name().value()).sorted().toList();
      if (!own.isEmpty()) {
        throw new ConflictException(ConflictException.Reason.INVALID_STATE, "branch '" + branchName
            + "' has snapshots of its own " + own + " that a recycle would destroy; reset it instead");
      }
      try {
        ContainerState state = p.runtime.state(branch.id());
        if (state != ContainerState.MISSING) {
          StepTimings.step("halt", () -> p.runtime.halt(branch.id(), false));
        }
        StepTimings.step("rollback", () -> p.volumes.rollback(branch.volume(), Provisioning.RECYCLE_POINT));
        if (state == ContainerState.MISSING) {
          StepTimings.step("container", () -> p.runtime.run(p.spec(branch, p.volumes.mount(branch.volume()), true)));
        } else {
          StepTimings.step("resume", () -> p.runtime.resume(branch.id()));
        }
        // the recycle point is a clean shutdown with the branch's own password: no recovery, no rotation
        StepTimings.step("ready", () -> p.runtime.awaitReady(branch.id(), branch.credentials(), p.settings.readyTimeout()));
      } catch (RuntimeException e) {
        Provisioning.afterCommit("record that recycling " + branchName + " failed",
            () -> p.markFailed(branch, "recycle failed: " + e.getMessage()));
        throw e;
      }
      return StepTimings.step("catalog",
          () -> p.markRunning(branch, EventType.BRANCH_RECYCLED, Map.of("snapshot", plan.target().name().value())));
    });
  }
}
