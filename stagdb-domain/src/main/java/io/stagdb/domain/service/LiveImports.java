package io.stagdb.domain.service;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.model.DatabaseStatus;
import io.stagdb.domain.model.Event;
import io.stagdb.domain.model.EventType;
import io.stagdb.domain.model.ImportSource;
import io.stagdb.domain.model.Quantities;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.model.SnapshotName;
import io.stagdb.domain.port.in.ImportProgress;
import io.stagdb.domain.port.out.ImportListener;
import io.stagdb.domain.port.out.SourceInfo;
import io.stagdb.domain.port.out.VolumeUsage;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * A database filled from a live source as it is created: the source probed (its version must not be
 * newer than the target's), the database IMPORTING while the runtime copies the data in, and, when
 * it is RUNNING, a snapshot of the imported data, ready to branch. Progress of the copies under way
 * is kept here, in memory: after a restart an interrupted import is undone by the reconciler.
 */
final class LiveImports {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  /** The names of the snapshots imports and refreshes leave: {@code <database>-import-<UTC time>}, {@code …-refresh-…}. */
  static final Pattern SNAPSHOT = Pattern.compile(".+-(import|refresh)-\\d{8}-\\d{6}");
  /** What a tool or an engine says when the volume is full. */
  private static final Pattern FULL = Pattern.compile("(?i)disk quota exceeded|no space left on device");

  private final Provisioning p;
  private final Map<DatabaseId, Tracker> underWay = new ConcurrentHashMap<>();

  LiveImports(Provisioning provisioning) {
    this.p = provisioning;
  }

  /** Probes the source and copies its data into the started database, which is IMPORTING meanwhile. */
  Database copyIn(Database database) {
    ImportSource source = database.source();
    SourceInfo info = p.runtime.probeSource(database.id(), source);
    source.requireFits(database.engine(), info.serverVersion(), info.tool());
    Database importing = p.catalog.transact(tx -> {
      Database current = tx.findDatabase(database.id()).orElse(database);
      Database changed = current.withStatus(DatabaseStatus.IMPORTING, null, p.clock.instant());
      tx.update(changed);
      return changed;
    });
    Tracker tracker = new Tracker(database.volume(), info, p.clock.instant(), used(database.volume()));
    DatabaseId refreshed = Refreshes.refreshing(database);
    DatabaseId shownOn = refreshed == null ? database.id() : refreshed;   // a refresh shows on the serving database
    underWay.put(shownOn, tracker);
    try {
      p.runtime.copyFrom(database.id(), database.credentials(), source, tracker);
    } catch (RuntimeException e) {
      throw full(database, info, e);
    } finally {
      underWay.remove(shownOn);
    }
    return importing;
  }

  /**
   * A copy that failed with the database's volume full (an engine often just dies then) is told as
   * what it is: a storage quota too small for the source; any other failure is passed on.
   */
  private RuntimeException full(Database database, SourceInfo info, RuntimeException failure) {
    VolumeUsage usage;
    try {
      usage = p.volumes.usage(database.volume());
    } catch (RuntimeException e) {
      return failure;
    }
    // the tools' own words, the engine's (it may have died of it), or the volume's figures (which a
    // file system may update only a while later)
    boolean said = failure.getMessage() != null && FULL.matcher(failure.getMessage()).find()
        || FULL.matcher(engineLog(database)).find();
    if (usage.quota() <= 0 || !said && usage.available() > Math.max(16L << 20, usage.quota() / 20)) {
      return failure;
    }
    return new InvalidRequestException("config.storage", "the database's volume filled up during the copy of a "
        + "source of " + (info.bytes() >> 20) + " MB: create it with a larger storage (it had "
        + Quantities.formatBytes(usage.quota()) + "), or free space on the server's pool if that is what ran out: "
        + failure.getMessage());
  }

  private String engineLog(Database database) {
    try {
      return p.runtime.logs(database.id(), 50, null);
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** Snapshots the imported (or refreshed: {@code kind}) database, now RUNNING, and announces the import done. */
  Snapshot finish(Database running, String kind) {
    String stamp = STAMP.format(p.clock.instant());
    String base = running.name().value();
    String suffix = "-" + kind + "-" + stamp;
    SnapshotName name = SnapshotName.of(base.substring(0, Math.min(base.length(), 63 - suffix.length())) + suffix);
    if (p.catalog.findSnapshot(name).isPresent()) {
      throw ConflictException.alreadyExists("snapshot", name.value());
    }
    Snapshot snapshot = p.takeSnapshot(running, name, false);
    emit(running, EventType.IMPORT_DONE, Map.of("snapshot", name.value(), "source", running.source().masked(),
        "kind", kind));
    return snapshot;
  }

  /** Announces an import that failed (the database is undone or FAILED by the caller). */
  void failed(Database database, String reason) {
    try {
      emit(database, EventType.IMPORT_FAILED, Map.of("source", database.source().masked(), "reason", reason));
    } catch (RuntimeException e) {
      System.getLogger(LiveImports.class.getName()).log(System.Logger.Level.WARNING,
          "could not record that the import of " + database.name() + " failed: " + e.getMessage());
    }
  }

  private void emit(Database database, EventType type, Map<String, String> extra) {
    Map<String, String> data = new LinkedHashMap<>(Lineage.databaseData(database));
    data.putAll(extra);
    p.catalog.transact(tx -> {
      tx.emit(Event.of(type, p.clock.instant(), data));
      return null;
    });
  }

  /** How far the copy into this database has got, while one is under way. */
  Optional<ImportProgress> progress(DatabaseId id) {
    Tracker tracker = underWay.get(id);
    if (tracker == null) {
      return Optional.empty();
    }
    Instant now = p.clock.instant();
    long written = Math.max(0, used(tracker.volume) - tracker.usedAtStart);
    return Optional.of(new ImportProgress(tracker.phase, tracker.objects.get(), tracker.info.objects(), written,
        tracker.info.bytes(), tracker.startedAt, Duration.between(tracker.startedAt, now)));
  }

  private long used(String volume) {
    try {
      return p.volumes.usage(volume).used();
    } catch (RuntimeException e) {
      return 0;   // progress is a report, never a reason to fail
    }
  }

  /** The listener of one copy: its phase and the objects done in it. */
  private static final class Tracker implements ImportListener {
    final String volume;
    final SourceInfo info;
    final Instant startedAt;
    final long usedAtStart;
    final AtomicLong objects = new AtomicLong();
    volatile String phase = "dump";

    Tracker(String volume, SourceInfo info, Instant startedAt, long usedAtStart) {
      this.volume = volume;
      this.info = info;
      this.startedAt = startedAt;
      this.usedAtStart = usedAtStart;
    }

    @Override
    public void phase(String name) {
      phase = name;
      objects.set(0);
    }

    @Override
    public void objectDone() {
      objects.incrementAndGet();
    }
  }
}
