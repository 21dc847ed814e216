package io.stagdb.domain.port.in;

import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.model.SnapshotName;
import java.time.Instant;
import java.util.List;

/**
 * Everything stagDB does, for the REST adapter, the JUnit extension and embedders.
 *
 * <pre>{@code
 * Database main = stagDb.create(CreateDatabase.of(DatabaseName.of("main-db"), EngineVersion.parse("postgres", "15")));
 * stagDb.snapshot(main.name(), SnapshotName.of("pre-migration-v2.0"));
 * Database test = stagDb.branchFromSnapshot(SnapshotName.of("pre-migration-v2.0"),
 *     CreateBranch.named(DatabaseName.of("migration-test")));
 * stagDb.reset(test.name(), null);   // back to the snapshot's data
 * stagDb.delete(test.name(), false);
 *
 * Database pooled = stagDb.branchFromSnapshot(SnapshotName.of("pre-migration-v2.0"),
 *     CreateBranch.named(DatabaseName.of("test-1")).asRecyclable());
 * stagDb.recycle(pooled.name());     // in place, for the next test
 * }</pre>
 *
 * <p>An operation on names another operation is working on waits a bounded time, then fails with
 * a {@code ConflictException} whose reason is {@code BUSY}.
 *
 * <p>Every operation either completes or leaves nothing behind; errors are the domain's
 * ({@code NotFoundException}, {@code ConflictException}, {@code InvalidRequestException},
 * {@code InfrastructureException}).
 */
public interface StagDb {

  /** Creates a database and returns it once it accepts connections. */
  Database create(CreateDatabase request);

  /**
   * Reserves the name and port and returns the database CREATING at once; it is created in the
   * background. When that fails, it becomes FAILED with the reason (and nothing else is left) until
   * it is deleted.
   */
  Database createInBackground(CreateDatabase request);

  Database get(DatabaseName name);

  /** How far the import of an IMPORTING database from its live source has got; empty for any other. */
  java.util.Optional<ImportProgress> importProgress(Database database);

  List<Database> list(DatabaseFilter filter);

  /** Starts a stopped database and waits until it accepts connections; no-op when it runs. */
  Database start(DatabaseName name);

  /** Stops a database; no-op when it is stopped. */
  Database stop(DatabaseName name);

  Database restart(DatabaseName name);

  /**
   * Deletes a database or branch with its snapshots. Refused while branches depend on its
   * snapshots, unless {@code cascade}, which deletes those branches first.
   */
  void delete(DatabaseName name, boolean cascade);

  /**
   * Marks a database (with cascade, the branches that depend on it too) DELETING and returns it at
   * once; its container and volumes go in the background. The name is taken until its volume is
   * gone; a crash in between is finished at the next start.
   */
  Database deleteInBackground(DatabaseName name, boolean cascade);

  /** Takes a named snapshot of a running or stopped database. */
  Snapshot snapshot(DatabaseName database, SnapshotName name);

  Snapshot getSnapshot(SnapshotName name);

  /** Every snapshot, or those of one database when {@code database} is not {@code null}. */
  List<Snapshot> snapshots(DatabaseName database);

  /** Deletes a snapshot; refused while branches depend on it unless {@code cascade}. */
  void deleteSnapshot(SnapshotName name, boolean cascade);

  /** Branches a database as it is now (through an automatic snapshot). */
  Database branchFromDatabase(DatabaseName source, CreateBranch request);

  Database branchFromSnapshot(SnapshotName source, CreateBranch request);

  /**
   * Resets a branch to its origin snapshot, or to {@code snapshot}, another snapshot of the same
   * origin database; its credentials and port stay.
   */
  Database reset(DatabaseName branch, SnapshotName snapshot);

  /**
   * Puts a recyclable branch (see {@link CreateBranch#recyclable()}) back to its origin
   * snapshot's data in place: the same container, port and password, the engine restarted and
   * accepting a login. Much faster than a reset or a new branch; refused (use reset) for a branch
   * that was not created recyclable or has snapshots of its own.
   */
  Database recycle(DatabaseName branch);

  /**
   * Copies an imported database again from its source into a fresh volume while it keeps serving,
   * then switches it over (same name, port and password) and snapshots it ({@code <name>-refresh-<time>});
   * waits until it is done. Import and refresh snapshots beyond its {@code keep} are dropped unless
   * they have branches.
   */
  Database refresh(DatabaseName database);

  /** The same in the background: checks that it can be refreshed, and answers at once. */
  Database refreshInBackground(DatabaseName database);

  /** Queues the refreshes whose schedule says they are due; the server calls it every so often. */
  void refreshDue();

  /**
   * Gives a branch back when its user is done with it, to be kept ready rather than deleted: a
   * recyclable branch becomes a standby of its snapshot (its name free at once), recycled in place
   * in the background and handed over to the next branch of that snapshot — the next test run's
   * pool, typically. Any other branch, or one the snapshot has no room for, is deleted in the
   * background. Returns at once.
   */
  void release(DatabaseName branch);

  /**
   * Loads a dump into a running database, streamed from {@code dump} to the engine's own tool and
   * never held whole: a PostgreSQL custom-format or plain SQL dump, or a MySQL/MariaDB SQL dump,
   * told apart by its first bytes. All or nothing: when the engine refuses the dump, or the stream
   * breaks off, the database is put back to its data before the import.
   */
  DumpImport importDump(DatabaseName name, java.io.InputStream dump);

  DatabaseStats stats(DatabaseName name);

  /** What a new database may be: engine versions and their images, resource bounds, the longest TTL. */
  Offer offer();

  String logs(DatabaseName name, int tail, Instant since);

  /** Follows a database's log; see {@link io.stagdb.domain.port.out.DatabaseRuntime#followLogs}. */
  io.stagdb.domain.port.out.LogFollower.Stream followLogs(DatabaseName name, int tail, Instant since,
      io.stagdb.domain.port.out.LogFollower follower);
}
