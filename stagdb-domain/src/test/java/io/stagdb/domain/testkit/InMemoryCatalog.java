package io.stagdb.domain.testkit;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.Event;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.model.SnapshotId;
import io.stagdb.domain.model.SnapshotName;
import io.stagdb.domain.port.out.Catalog;
import io.stagdb.domain.port.out.CatalogTransaction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** A catalog in memory: transactions run one at a time on a copy that replaces the state only on success. */
public final class InMemoryCatalog implements Catalog {
  private final Faults faults;
  private State state = new State();

  private static final class State {
    final Map<DatabaseId, Database> databases = new LinkedHashMap<>();
    final Map<SnapshotId, Snapshot> snapshots = new LinkedHashMap<>();
    final List<Event> outbox = new ArrayList<>();
    final List<Event> emitted = new ArrayList<>();

    State copy() {
      State s = new State();
      s.databases.putAll(databases);
      s.snapshots.putAll(snapshots);
      s.outbox.addAll(outbox);
      s.emitted.addAll(emitted);
      return s;
    }
  }

  public InMemoryCatalog(Faults faults) {
    this.faults = faults;
  }

  @Override
  public synchronized <T> T transact(Function<CatalogTransaction, T> work) {
    faults.check("catalog.transact");
    State working = state.copy();
    T result = work.apply(new Tx(working));
    state = working;
    return result;
  }

  @Override
  public synchronized List<Event> pendingEvents(int limit) {
    return List.copyOf(state.outbox.subList(0, Math.min(limit, state.outbox.size())));
  }

  @Override
  public synchronized void markDispatched(String eventId) {
    state.outbox.removeIf(e -> e.id().equals(eventId));
  }

  /** Every event ever committed, dispatched or not; for tests. */
  public synchronized List<Event> events() {
    return List.copyOf(state.emitted);
  }

  @Override
  public synchronized Optional<Database> findDatabase(DatabaseName name) {
    return new Tx(state).findDatabase(name);
  }

  @Override
  public synchronized Optional<Database> findDatabase(DatabaseId id) {
    return new Tx(state).findDatabase(id);
  }

  @Override
  public synchronized List<Database> databases() {
    return new Tx(state).databases();
  }

  @Override
  public synchronized Optional<Snapshot> findSnapshot(SnapshotName name) {
    return new Tx(state).findSnapshot(name);
  }

  @Override
  public synchronized Optional<Snapshot> findSnapshot(SnapshotId id) {
    return new Tx(state).findSnapshot(id);
  }

  @Override
  public synchronized List<Snapshot> snapshots() {
    return new Tx(state).snapshots();
  }

  private record Tx(State s) implements CatalogTransaction {

    @Override
    public Optional<Database> findDatabase(DatabaseName name) {
      return s.databases.values().stream().filter(d -> d.name().equals(name)).findFirst();
    }

    @Override
    public Optional<Database> findDatabase(DatabaseId id) {
      return Optional.ofNullable(s.databases.get(id));
    }

    @Override
    public List<Database> databases() {
      return s.databases.values().stream().sorted(Comparator.comparing(Database::name)).toList();
    }

    @Override
    public Optional<Snapshot> findSnapshot(SnapshotName name) {
      return s.snapshots.values().stream().filter(x -> x.name().equals(name)).findFirst();
    }

    @Override
    public Optional<Snapshot> findSnapshot(SnapshotId id) {
      return Optional.ofNullable(s.snapshots.get(id));
    }

    @Override
    public List<Snapshot> snapshots() {
      return List.copyOf(s.snapshots.values());
    }

    @Override
    public void insert(Database database) {
      if (s.databases.containsKey(database.id()) || findDatabase(database.name()).isPresent()) {
        throw ConflictException.alreadyExists("database", database.name().value());
      }
      if (s.databases.values().stream().anyMatch(d -> d.port() == database.port())) {
        throw new ConflictException(ConflictException.Reason.ALREADY_EXISTS, "port " + database.port() + " is taken");
      }
      s.databases.put(database.id(), database);
    }

    @Override
    public void update(Database database) {
      if (!s.databases.containsKey(database.id())) {
        throw new NotFoundException("database", database.name().value());
      }
      s.databases.put(database.id(), database);
    }

    @Override
    public void delete(DatabaseId id) {
      s.databases.remove(id);
    }

    @Override
    public void insert(Snapshot snapshot) {
      if (s.snapshots.containsKey(snapshot.id()) || findSnapshot(snapshot.name()).isPresent()) {
        throw ConflictException.alreadyExists("snapshot", snapshot.name().value());
      }
      s.snapshots.put(snapshot.id(), snapshot);
    }

    @Override
    public void delete(SnapshotId id) {
      s.snapshots.remove(id);
    }

    @Override
    public void emit(Event event) {
      s.outbox.add(event);
      s.emitted.add(event);
    }
  }
}
