package io.stagdb.domain.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.DatabaseStatus;
import io.stagdb.domain.model.EngineSettings;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.model.Event;
import io.stagdb.domain.model.EventType;
import io.stagdb.domain.model.ImportSource;
import io.stagdb.domain.model.RefreshPolicy;
import io.stagdb.domain.model.Resources;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.model.SnapshotId;
import io.stagdb.domain.model.SnapshotName;
import io.stagdb.domain.port.out.Catalog;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What every {@link Catalog} must do: atomic units of work, uniqueness, lineage, and the event outbox. */
public abstract class CatalogContract {
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  private final AtomicInteger ports = new AtomicInteger(20000);

  /** A fresh, empty catalog for each test. */
  protected abstract Catalog catalog();

  protected Database database(String name) {
    DatabaseId id = DatabaseId.random();
    return new Database(id, DatabaseName.of(name), EngineVersion.parse("postgres", "15"), DatabaseStatus.CREATING,
        new Resources(1L << 30, 1500, 10L << 30), ports.incrementAndGet(),
        new Credentials("postgres", "p@ss'word", "postgres"), Map.of("TZ", "UTC"), List.of("CREATE TABLE t (x int)"),
        new EngineSettings(List.of("pg_trgm"), Map.of("work_mem", "8MB")),
        ImportSource.parse("postgresql://reader:s%40cret@prod.internal:5432/app"), new RefreshPolicy("0 3 * * *", 5), id.value(), null, NOW.plus(1, ChronoUnit.HOURS), Map.of("io.stagdb.session", "s-1"), null, NOW, NOW);
  }

  private void insert(Database database) {
    catalog().transact(tx -> {
      tx.insert(database);
      return null;
    });
  }

  @Test
  void storesEveryFieldOfADatabase() {
    Database db = database("round-trip");
    insert(db);
    assertThat(catalog().findDatabase(db.name())).contains(db);
    assertThat(catalog().findDatabase(db.id())).contains(db);
    Database failed = db.withStatus(DatabaseStatus.FAILED, "exit code 137", NOW.plusSeconds(5));
    catalog().transact(tx -> {
      tx.update(failed);
      return null;
    });
    assertThat(catalog().findDatabase(db.id())).contains(failed);
  }

  @Test
  void namesAndPortsAreUnique() {
    Database first = database("unique");
    insert(first);
    assertThatThrownBy(() -> insert(database("unique"))).isInstanceOf(ConflictException.class);
    Database samePort = new Database(DatabaseId.random(), DatabaseName.of("other"), first.engine(), first.status(),
        first.resources(), first.port(), first.credentials(), first.env(), first.initScripts(), first.engineSettings(), null, null, "v-other", null,
        null, Map.of(), null, NOW, NOW);
    assertThatThrownBy(() -> insert(samePort)).isInstanceOf(ConflictException.class);
    assertThat(catalog().databases()).containsExactly(first);
  }

  @Test
  void updatingAMissingDatabaseIsNotFound() {
    assertThatThrownBy(() -> catalog().transact(tx -> {
      tx.update(database("ghost"));
      return null;
    })).isInstanceOf(NotFoundException.class);
  }

  @Test
  void aFailingUnitOfWorkLeavesNoTrace() {
    Database db = database("rolled-back");
    assertThatThrownBy(() -> catalog().transact(tx -> {
      tx.insert(db);
      tx.emit(Event.of(EventType.DATABASE_CREATED, NOW, Map.of("name", "rolled-back")));
      throw new IllegalStateException("boom");
    })).hasMessage("boom");
    assertThat(catalog().findDatabase(db.name())).isEmpty();
    assertThat(catalog().pendingEvents(10)).isEmpty();
  }

  @Test
  void snapshotsAreUniqueByNameAndKeepLineage() {
    Database db = database("parent");
    insert(db);
    Snapshot snapshot = new Snapshot(SnapshotId.random(), SnapshotName.of("pre-migration-v2.0"), db.id(), db.name(),
        db.volume(), false, NOW);
    catalog().transact(tx -> {
      tx.insert(snapshot);
      return null;
    });
    assertThat(catalog().findSnapshot(snapshot.name())).contains(snapshot);
    assertThat(catalog().findSnapshot(snapshot.id())).contains(snapshot);
    Snapshot duplicate = new Snapshot(SnapshotId.random(), snapshot.name(), db.id(), db.name(), db.volume(), true, NOW);
    assertThatThrownBy(() -> catalog().transact(tx -> {
      tx.insert(duplicate);
      return null;
    })).isInstanceOf(ConflictException.class);

    Database branch = database("child").withVolume("v-child", snapshot.id(), NOW);
    insert(branch);
    assertThat(catalog().findDatabase(branch.name()).orElseThrow().origin()).isEqualTo(snapshot.id());
    catalog().transact(tx -> {
      tx.delete(branch.id());
      tx.delete(snapshot.id());
      return null;
    });
    assertThat(catalog().snapshots()).isEmpty();
  }

  @Test
  void eventsWaitInTheOutboxInOrderUntilDispatched() {
    catalog().transact(tx -> {
      tx.emit(Event.of(EventType.DATABASE_CREATED, NOW, Map.of("name", "a")));
      tx.emit(Event.of(EventType.SNAPSHOT_CREATED, NOW.plusSeconds(1), Map.of("name", "s")));
      return null;
    });
    List<Event> pending = catalog().pendingEvents(10);
    assertThat(pending).extracting(Event::type).containsExactly(EventType.DATABASE_CREATED, EventType.SNAPSHOT_CREATED);
    assertThat(pending.get(0).data()).containsEntry("name", "a");
    catalog().markDispatched(pending.get(0).id());
    assertThat(catalog().pendingEvents(10)).extracting(Event::id).containsExactly(pending.get(1).id());
    assertThat(catalog().pendingEvents(0)).isEmpty();
  }

  @Test
  void concurrentUnitsOfWorkAllLand() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String name = "parallel-" + i;
        futures.add(pool.submit(() -> insert(database(name))));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(catalog().databases()).hasSize(40);
    assertThat(catalog().databases()).extracting(d -> d.name().value()).isSorted();
  }
}
