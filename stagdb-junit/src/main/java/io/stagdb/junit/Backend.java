package io.stagdb.junit;

import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.ResourceRequest;
import io.stagdb.domain.model.SnapshotName;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.port.in.CreateBranch;
import io.stagdb.http.api.Dto;
import io.stagdb.http.client.StagDbApiException;
import io.stagdb.http.client.StagDbClient;
import io.stagdb.server.StagDbEngine;
import java.time.Duration;
import java.util.Map;

/** What the extension needs of stagDB, over the REST API (remote) or in-process (embedded). */
interface Backend extends AutoCloseable {

  /** Throws with a reason when stagDB cannot be used. */
  void check();

  /** Branches {@code source} (a snapshot, or a database through an automatic snapshot); {@code ttl} may be null. */
  Branch branch(String source, boolean sourceIsSnapshot, String name, ResourceRequest resources, Duration ttl,
                Map<String, String> labels);

  boolean snapshotExists(String name);

  boolean databaseExists(String name);

  void snapshot(String database, String name);

  void stop(String database);

  /** Deletes a database or branch (and, with cascade, what depends on it); missing is fine. */
  void delete(String name, boolean cascade);

  /** Names of databases carrying label {@code key=value}. */
  java.util.List<String> databasesLabelled(String key, String value);

  String describe();

  @Override
  void close();

  /** stagDB over its REST API. */
  final class Remote implements Backend {
    private final StagDbClient client;
    private final String url;

    Remote(String url, String apiKey) {
      this.url = url;
      this.client = StagDbClient.create(java.net.URI.create(url), apiKey, Duration.ofMinutes(5));
    }

    @Override
    public void check() {
      client.health();
      client.listDatabases(null, null, null, 1, 0);   // the key works
    }

    @Override
    public Branch branch(String source, boolean sourceIsSnapshot, String name, ResourceRequest r, Duration ttl,
                         Map<String, String> labels) {
      Dto.CreateBranch request = new Dto.CreateBranch(name, new Dto.Config(r.memory(), r.cpu(), r.storage(), null, null,
          null), ttl == null ? null : ttl.toSeconds() + "s", labels);
      Dto.Database d = sourceIsSnapshot ? client.branchFromSnapshot(source, request) : client.branchFromDatabase(source, request);
      Dto.Connection c = d.connection();
      return new Branch(d.name(), source, d.type(), c.host(), c.port(), c.username(), c.password(), c.database(),
          Branch.jdbcUrl(d.type(), c.host(), c.port(), c.database()));
    }

    @Override
    public boolean snapshotExists(String name) {
      try {
        client.getSnapshot(name);
        return true;
      } catch (StagDbApiException.NotFound | StagDbApiException.BadRequest e) {
        return false;
      }
    }

    @Override
    public boolean databaseExists(String name) {
      try {
        client.getDatabase(name);
        return true;
      } catch (StagDbApiException.NotFound | StagDbApiException.BadRequest e) {
        return false;
      }
    }

    @Override
    public void snapshot(String database, String name) {
      client.createSnapshot(database, name);
    }

    @Override
    public void stop(String database) {
      client.stop(database);
    }

    @Override
    public void delete(String name, boolean cascade) {
      try {
        client.deleteDatabase(name, cascade);
      } catch (StagDbApiException.NotFound alreadyGone) {
        // fine
      }
    }

    @Override
    public java.util.List<String> databasesLabelled(String key, String value) {
      return client.listDatabases(null, null, null, 1000, 0).items().stream()
          .filter(d -> d.labels() != null && value.equals(d.labels().get(key))).map(Dto.Database::name).toList();
    }

    @Override
    public String describe() {
      return "stagDB at " + url;
    }

    @Override
    public void close() {
      // the HTTP client holds nothing that needs closing
    }
  }

  /** stagDB in the test JVM, on the local ZFS and Docker. */
  final class Embedded implements Backend {
    private final StagDbEngine engine;
    private final String host;

    Embedded(Map<String, String> config) {
      StagDbEngine.Builder builder = StagDbEngine.builder();
      config.forEach(builder::set);
      this.engine = builder.build();
      String bind = engine.config().bindAddress();
      this.host = bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
    }

    @Override
    public void check() {
      engine.list(io.stagdb.domain.port.in.DatabaseFilter.ALL);
    }

    @Override
    public Branch branch(String source, boolean sourceIsSnapshot, String name, ResourceRequest r, Duration ttl,
                         Map<String, String> labels) {
      CreateBranch request = new CreateBranch(DatabaseName.of(name), r, null, ttl, labels);
      Database d = sourceIsSnapshot ? engine.branchFromSnapshot(SnapshotName.of(source), request)
          : engine.branchFromDatabase(DatabaseName.of(source), request);
      String engineId = d.engine().engine().id();
      return new Branch(d.name().value(), source, engineId, host, d.port(), d.credentials().username(),
          d.credentials().password(), d.credentials().database(),
          Branch.jdbcUrl(engineId, host, d.port(), d.credentials().database()));
    }

    @Override
    public boolean snapshotExists(String name) {
      try {
        engine.getSnapshot(SnapshotName.of(name));
        return true;
      } catch (NotFoundException | io.stagdb.domain.error.InvalidRequestException e) {
        return false;
      }
    }

    @Override
    public boolean databaseExists(String name) {
      try {
        engine.get(DatabaseName.of(name));
        return true;
      } catch (NotFoundException | io.stagdb.domain.error.InvalidRequestException e) {
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
    public java.util.List<String> databasesLabelled(String key, String value) {
      return engine.list(io.stagdb.domain.port.in.DatabaseFilter.ALL).stream()
          .filter(d -> value.equals(d.labels().get(key))).map(d -> d.name().value()).toList();
    }

    @Override
    public String describe() {
      return "embedded stagDB on " + engine.config().zfsRoot();
    }

    @Override
    public void close() {
      engine.close();
    }
  }
}
