package io.stagdb.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.List;
import java.util.Map;

/**
 * The JSON bodies of the REST API, shared by the server routes and {@code StagDbClient}. Kept apart
 * from the domain model: the wire format changes only on purpose.
 */
public final class Dto {
  private Dto() {
  }

  /** {@code POST /v1/databases}. */
  public record CreateDatabase(String name, String type, String version, Config config, Source source) {
    public CreateDatabase(String name, String type, String version, Config config) {
      this(name, type, version, config, null);
    }
  }

  /**
   * A live database to import from: a connection URL such as
   * {@code postgresql://reader:password@prod.internal:5432/app} (answers show it with the password
   * masked); {@code refresh}, a cron expression for copying it again ({@code "0 3 * * *"}: nightly at
   * 03:00 UTC), and {@code keep}, how many import and refresh snapshots are kept (default 3).
   */
  public record Source(String url, String refresh, Integer keep) {
    public Source(String url) {
      this(url, null, null);
    }
  }

  /**
   * How far the import of an {@code importing} database has got: the phase ({@code dump}, {@code restore},
   * or {@code copy} when both run at once), the tables (collections) done in it of those in the source,
   * the bytes written into the database so far against the source's size, and the time since it began.
   */
  public record ImportState(String phase, long objectsDone, long objectsTotal, long bytesDone, long bytesTotal,
                            String startedAt, long elapsedSeconds) {
  }

  /**
   * Resources and options of a database or branch; every field optional. {@code extensions}
   * (PostgreSQL) and {@code settings} (postgresql.conf parameters, or MySQL/MariaDB server
   * variables) are a database's; its branches inherit them.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Config(String memory, @JsonDeserialize(using = Json.NumberOrText.class) String cpu, String storage,
                       Integer port, Map<String, String> env, List<String> initScripts, List<String> extensions,
                       Map<String, String> settings) {
    public Config(String memory, String cpu, String storage, Integer port, Map<String, String> env, List<String> initScripts) {
      this(memory, cpu, storage, port, env, initScripts, null, null);
    }
  }

  /**
   * {@code POST .../branches}; {@code ttl} like {@code 30m}, {@code 2h}, {@code 1d} or ISO-8601
   * {@code PT2H}; {@code labels} e.g. the test session that owns the branch; {@code recyclable}
   * keeps a recycle point so that {@code POST .../recycle} can put it back in place.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CreateBranch(String name, Config config, String ttl, Map<String, String> labels, Boolean recyclable) {
    public CreateBranch(String name, Config config, String ttl) {
      this(name, config, ttl, null, null);
    }
  }

  /** {@code POST /v1/databases/{name}/snapshots}. */
  public record CreateSnapshot(String name) {
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Database(String id, String name, String type, String version, String status, String statusDetail,
                         Connection connection, String url, Resources resources, String origin, String expiresAt,
                         Map<String, String> labels, String createdAt, String updatedAt, List<String> extensions,
                         Map<String, String> settings, Source source, ImportState importing) {
    public Database(String id, String name, String type, String version, String status, String statusDetail,
                    Connection connection, String url, Resources resources, String origin, String expiresAt,
                    Map<String, String> labels, String createdAt, String updatedAt, List<String> extensions,
                    Map<String, String> settings) {
      this(id, name, type, version, status, statusDetail, connection, url, resources, origin, expiresAt, labels, createdAt,
          updatedAt, extensions, settings, null, null);
    }

    public Database(String id, String name, String type, String version, String status, String statusDetail,
                    Connection connection, String url, Resources resources, String origin, String expiresAt,
                    Map<String, String> labels, String createdAt, String updatedAt) {
      this(id, name, type, version, status, statusDetail, connection, url, resources, origin, expiresAt, labels, createdAt,
          updatedAt, null, null, null, null);
    }
  }

  /** How to connect; {@code host} is the server's configured public host name. */
  public record Connection(String host, int port, String username, String password, String database) {
    @Override
    public String toString() {
      return "Connection[host=" + host + ", port=" + port + ", username=" + username + ", password=***, database="
          + database + "]";
    }
  }

  public record Resources(String memory, String cpu, String storage) {
  }

  /** A page of a list; {@code total} counts every match. */
  public record Page<T>(List<T> items, int total, int offset, int limit) {
  }

  public record Snapshot(String id, String name, String database, boolean automatic, String createdAt,
                         List<String> branches) {
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Stats(Container container, Engine engine, Storage storage) {
  }

  public record Container(double cpuPercent, long memoryUsedBytes, long memoryLimitBytes, long networkRxBytes,
                          long networkTxBytes, long blockReadBytes, long blockWriteBytes) {
  }

  public record Engine(long sizeBytes, int connections) {
  }

  /** {@code writtenBytes} is {@code null} where the storage cannot tell (zfs-fuse has no {@code written}). */
  public record Storage(long usedBytes, long referencedBytes, long quotaBytes, long availableBytes, Long writtenBytes) {
  }

  /** {@code POST /v1/webhooks}; without a secret, one is generated and returned once. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CreateWebhook(String url, List<String> events, String secret) {
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Webhook(String id, String url, List<String> events, String secret, String createdAt) {
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Delivery(String id, String eventId, String type, String status, int attempts, Integer lastStatusCode,
                         String lastError, String nextAttemptAt, String createdAt, String updatedAt) {
  }

  /** {@code POST /v1/api-keys}; scope {@code admin} or {@code standard} (the default). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CreateApiKey(String name, String scope) {
  }

  /** {@code key} (the token) appears only in the answer to its creation. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ApiKey(String id, String name, String scope, String createdAt, String revokedAt, String key) {
    @Override
    public String toString() {
      return "ApiKey[id=" + id + ", name=" + name + ", scope=" + scope + "]";
    }
  }

  /** {@code 202} answer of an asynchronous create: poll {@code Location} until it is running. */
  /** A dump loaded by upload: its format ({@code postgres-custom} or {@code sql}), its size and how long it took. */
  public record DumpImport(String database, String format, long bytes, double seconds) {
  }

  public record Accepted(String name, String status, String location) {
  }

  /** An RFC 9457 problem, with stagDB's extensions. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Problem(String type, String title, int status, String detail, String instance, String field,
                        String reason, List<String> dependents, String errorId) {
  }

  public record Health(String status, String version) {
  }

  /** What a new database may be: engine versions with their images, resource bounds, the longest TTL. */
  public record Capabilities(List<EngineImage> engines, ResourceBounds resources, String ttlMax) {
  }

  /** {@code available}: the image is on the server's host, or the server may pull it. */
  public record EngineImage(String type, String version, String image, boolean available) {
  }

  public record ResourceBounds(Resources min, Resources max, @JsonProperty("default") Resources defaults) {
  }
}
