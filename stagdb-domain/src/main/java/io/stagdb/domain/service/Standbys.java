package io.stagdb.domain.service;

import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.DatabaseStatus;
import io.stagdb.domain.model.Event;
import io.stagdb.domain.model.EventType;
import io.stagdb.domain.model.Resources;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.model.SnapshotId;
import io.stagdb.domain.port.in.CreateBranch;
import io.stagdb.domain.port.in.StepTimings;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Branches made ahead: for a snapshot that is being branched from, a few recyclable branches are
 * kept running (hidden from users, expiring when unused), so that the next branch of it is handed
 * over at once — renamed, labelled and timed — instead of waiting for a clone, a container and an
 * engine start. They are the server's own: listed nowhere, counted as no one's dependents, taken
 * along by deletes, and made again in the background after each branch.
 */
final class Standbys {
  /** Marks a standby (in its catalog labels); the value is the snapshot it is a branch of. */
  static final String LABEL = "io.stagdb.standby";
  private static final Pattern NAME = Pattern.compile("standby-[0-9a-f]{12}");
  private static final System.Logger LOG = System.getLogger(Standbys.class.getName());

  private final Provisioning p;
  private final Set<SnapshotId> replenishing = ConcurrentHashMap.newKeySet();

  Standbys(Provisioning provisioning) {
    this.p = provisioning;
  }

  static boolean isStandby(Database database) {
    return database.labels().containsKey(LABEL);
  }

  /** Names of the form stagDB gives its standbys, which users cannot take. */
  static boolean isReserved(DatabaseName name) {
    return NAME.matcher(name.value()).matches();
  }

  boolean enabled() {
    return p.settings.standbys() > 0;
  }

  /** On a standby given back and not recycled yet: its data is the last user's until it is. */
  private static final String DIRTY = ";dirty";

  /** The standby of a snapshot a request can take: clean, running, the resources it would get. */
  Database candidate(Snapshot snapshot, Resources wanted) {
    return p.catalog.databases().stream()
        .filter(d -> snapshot.id().value().equals(d.labels().get(LABEL)) && d.status() == DatabaseStatus.RUNNING
            && d.resources().equals(wanted))
        .findFirst().orElse(null);
  }

  /** Whether a snapshot may keep one more standby (those given back and not recycled yet count). */
  boolean roomFor(Snapshot snapshot) {
    return enabled() && count(snapshot.id()) < p.settings.standbyMax();
  }

  /**
   * Takes a branch back as a standby of its snapshot, its caller holding the branch's name: renamed,
   * its labels replaced, expiring when unused, and marked dirty until {@link #cleaned} says it has
   * been recycled (a dirty one is never handed over, even after a crash).
   */
  Database takeBack(Database branch, Snapshot snapshot) {
    DatabaseName name = newName();
    Instant now = p.clock.instant();
    Database standby = branch.renamed(name, Map.of(LABEL, snapshot.id().value() + DIRTY), now.plus(p.settings.standbyIdle()),
        now);
    p.runtime.rename(branch.id(), name);
    try {
      return p.catalog.transact(tx -> {
        tx.update(standby);
        tx.emit(Event.of(EventType.DATABASE_DELETED, now, Lineage.databaseData(branch)));   // gone, for its user
        return standby;
      });
    } catch (RuntimeException e) {
      Undo undo = new Undo();
      undo.push(() -> p.runtime.rename(branch.id(), branch.name()));
      throw undo.rollback(e);
    }
  }

  /** A standby given back has been recycled: it may be handed over now. */
  void cleaned(Database standby, Snapshot snapshot) {
    p.catalog.transact(tx -> {
      tx.findDatabase(standby.id()).ifPresent(d -> tx.update(d.renamed(d.name(), Map.of(LABEL, snapshot.id().value()),
          d.expiresAt(), p.clock.instant())));
      return null;
    });
  }

  /**
   * Hands a standby over as the requested branch, its caller holding the snapshot, the new name and
   * the standby's: the container is renamed, the record takes the name, labels and expiry asked
   * for, and the branch is announced as any other.
   */
  Database handOver(Database standby, Snapshot snapshot, Database origin, CreateBranch request, Instant expiresAt) {
    Map<String, String> labels = new LinkedHashMap<>(origin.labels());
    labels.putAll(request.labels());
    Instant now = p.clock.instant();
    Database branch = standby.renamed(request.name(), labels, expiresAt, now);
    StepTimings.step("rename", () -> p.runtime.rename(standby.id(), request.name()));
    try {
      return StepTimings.step("catalog", () -> p.catalog.transact(tx -> {
        tx.update(branch);
        tx.emit(Event.of(EventType.BRANCH_CREATED, now, Lineage.withData(Lineage.withData(Lineage.databaseData(branch),
            "snapshot", snapshot.name().value()), "source", origin.name().value())));
        return branch;
      }));
    } catch (RuntimeException e) {
      Undo undo = new Undo();
      undo.push(() -> p.runtime.rename(standby.id(), standby.name()));
      throw undo.rollback(e);
    }
  }

  /**
   * Makes standbys of {@code snapshot} in the background until it has as many as configured; one
   * replenishment per snapshot at a time. {@code make} branches it under a standby name.
   */
  void replenish(Snapshot snapshot, java.util.function.Function<CreateBranch, Database> make) {
    if (!enabled() || !replenishing.add(snapshot.id())) {
      return;
    }
    try {
      p.background.submit("make standbys of " + snapshot.name(), () -> {
        try {
          while (count(snapshot.id()) < p.settings.standbys() && p.catalog.findSnapshot(snapshot.id()).isPresent()) {
            make.apply(request());   // labelled a standby of the snapshot by the maker
          }
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.INFO, "no standby of " + snapshot.name() + " for now: " + e.getMessage());
        } finally {
          replenishing.remove(snapshot.id());
        }
      });
    } catch (RuntimeException queueFull) {
      replenishing.remove(snapshot.id());
    }
  }

  private long count(SnapshotId snapshot) {
    return p.catalog.databases().stream().filter(d -> isStandby(d) && d.labels().get(LABEL).startsWith(snapshot.value()))
        .count();
  }

  /** A name of the server's own rows (standbys, a refresh's staging copy), which users cannot take. */
  static DatabaseName newName() {
    return new DatabaseName("standby-" + io.stagdb.domain.model.DatabaseId.random().value().substring(3));
  }

  private CreateBranch request() {
    return new CreateBranch(newName(), null, null, p.settings.standbyIdle(), Map.of(), true);
  }

  static List<Database> visible(List<Database> databases) {
    return databases.stream().filter(d -> !isStandby(d)).toList();
  }
}
