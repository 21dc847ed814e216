package io.stagdb.junit;

import io.stagdb.api.Dto;
import io.stagdb.client.StagDbApiException;
import io.stagdb.client.StagDbClient;
import io.stagdb.domain.model.ResourceRequest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** stagDB over its REST API, through the Java client: all a test class path needs besides the domain's records. */
final class RemoteBackend implements Backend {
  private final StagDbClient client;
  private final String url;

  /** {@code caFile}: the PEM CA an https server's certificate is signed by, or {@code null} for the JDK's. */
  RemoteBackend(String url, String apiKey, java.nio.file.Path caFile) {
    this.url = url;
    this.client = StagDbClient.create(URI.create(url), apiKey, Duration.ofMinutes(5), caFile);
  }

  @Override
  public void check() {
    client.health();
    try {
      client.listDatabases(null, null, null, 1, 0);
    } catch (StagDbApiException.Unauthorized e) {
      throw new BadKey("stagDB at " + url + " refused the API key (" + e.getMessage() + "); check stagdb.apiKey"
          + " (or STAGDB_API_KEY)");
    }
  }

  /** The server answers, but not to this key: a configuration error, not an absent server. */
  static final class BadKey extends IllegalStateException {
    BadKey(String message) {
      super(message);
    }
  }

  @Override
  public Branch branch(String source, boolean sourceIsSnapshot, String name, ResourceRequest r, Duration ttl,
                       Map<String, String> labels, boolean recyclable) {
    Dto.CreateBranch request = new Dto.CreateBranch(name, new Dto.Config(r.memory(), r.cpu(), r.storage(), null, null,
        null), ttl == null ? null : ttl.toSeconds() + "s", labels, recyclable ? Boolean.TRUE : null);
    Dto.Database d = sourceIsSnapshot ? client.branchFromSnapshot(source, request) : client.branchFromDatabase(source, request);
    Dto.Connection c = d.connection();
    return new Branch(d.name(), source, d.type(), c.host(), c.port(), c.username(), c.password(), c.database(),
        Branch.jdbcUrl(d.type(), c.host(), c.port(), c.database()));
  }

  @Override
  public void recycle(String name) {
    client.recycle(name);
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
      client.deleteDatabaseAndWait(name, cascade);
    } catch (StagDbApiException.NotFound alreadyGone) {
      // fine
    }
  }

  @Override
  public void deleteLater(String name) {
    try {
      client.deleteDatabase(name, false);
    } catch (StagDbApiException.NotFound alreadyGone) {
      // fine
    }
  }

  @Override
  public void release(String name) {
    try {
      client.release(name);
    } catch (StagDbApiException.NotFound alreadyGone) {
      // fine
    }
  }

  @Override
  public List<String> databasesLabelled(String key, String value) {
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
