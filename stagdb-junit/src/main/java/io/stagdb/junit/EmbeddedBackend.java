package io.stagdb.junit;

import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.ResourceRequest;
import io.stagdb.domain.model.SnapshotName;
import io.stagdb.domain.port.in.CreateBranch;
import io.stagdb.domain.port.in.DatabaseFilter;
import io.stagdb.server.StagDbEngine;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * stagDB in the test JVM, on the local ZFS and Docker. Needs {@code io.stagdb:stagdb-server} on the
 * test class path (opt-in: remote mode does not); {@link #available()} tells first.
 */
final class EmbeddedBackend implements Backend {
  private final StagDbEngine engine;
  private final String host;

  EmbeddedBackend(Map<String, String> config) {
    StagDbEngine.Builder builder = StagDbEngine.builder();
    config.forEach(builder::set);
    this.engine = builder.build();
    String bind = engine.config().bindAddress();
    this.host = bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
  }

  /** Whether the server's wiring is on the class path; without it, why not and what to add. */
  static String unavailableBecause() {
    try {
      Class.forName("io.stagdb.server.StagDbEngine", false, EmbeddedBackend.class.getClassLoader());
      return null;
    } catch (ClassNotFoundException | LinkageError e) {
      return "embedded mode runs stagDB in the test JVM and needs io.stagdb:stagdb-server on the test class path"
          + " (add it with <scope>test</scope>; remote mode needs only stagdb-junit)";
    }
  }

  @Override
  public void check() {
    engine.list(DatabaseFilter.ALL);
  }

  @Override
  public Branch branch(String source, boolean sourceIsSnapshot, String name, ResourceRequest r, Duration ttl,
                       Map<String, String> labels, boolean recyclable) {
    CreateBranch request = new CreateBranch(DatabaseName.of(name), r, null, ttl, labels, recyclable);
    Database d = sourceIsSnapshot ? engine.branchFromSnapshot(SnapshotName.of(source), request)
        : engine.branchFromDatabase(DatabaseName.of(source), request);
    String engineId = d.engine().engine().id();
    return new Branch(d.name().value(), source, engineId, host, d.port(), d.credentials().username(),
        d.credentials().password(), d.credentials().database(),
        Branch.jdbcUrl(engineId, host, d.port(), d.credentials().database()));
  }

  @Override
  public void recycle(String name) {
    engine.recycle(DatabaseName.of(name));
  }

  @Override
  public boolean snapshotExists(String name) {
    try {
      engine.getSnapshot(SnapshotName.of(name));
      return true;
    } catch (NotFoundException | InvalidRequestException e) {
      return false;
    }
  }

  @Override
  public boolean databaseExists(String name) {
    try {
      engine.get(DatabaseName.of(name));
      return true;
    } catch (NotFoundException | InvalidRequestException e) {
      return false;
    }
  }

  @Override
  public void snapshot(String database, String name) {
    engine.snapshot(DatabaseName.of(database), SnapshotName.of(name));
  }

  @Override
  public void stop(String database) {
    engine.stop(DatabaseName.of(database));
  }

  @Override
  public void delete(String name, boolean cascade) {
    try {
      engine.delete(DatabaseName.of(name), cascade);
    } catch (NotFoundException alreadyGone) {
      // fine
    }
  }

  @Override
  public void deleteLater(String name) {
    try {
      engine.deleteInBackground(DatabaseName.of(name), false);
    } catch (NotFoundException alreadyGone) {
      // fine
    }
  }

  @Override
  public void release(String name) {
    try {
      engine.release(DatabaseName.of(name));
    } catch (NotFoundException alreadyGone) {
      // fine
    }
  }

  @Override
  public List<String> databasesLabelled(String key, String value) {
    return engine.list(DatabaseFilter.ALL).stream()
        .filter(d -> value.equals(d.labels().get(key))).map(d -> d.name().value()).toList();
  }

  @Override
  public String describe() {
    return "embedded stagDB on " + engine.config().zfsRoot();
  }

  @Override
  public void close() {
    engine.awaitBackgroundWork(Duration.ofSeconds(60));   // the deletes the pools started
    engine.close();
  }
}
