package io.stagdb.server;

import io.stagdb.docker.DockerDatabaseRuntime;
import io.stagdb.docker.DockerSettings;
import io.stagdb.domain.access.ApiKeys;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.model.SnapshotName;
import io.stagdb.domain.port.in.CreateBranch;
import io.stagdb.domain.port.in.CreateDatabase;
import io.stagdb.domain.port.in.DatabaseFilter;
import io.stagdb.domain.port.in.DatabaseStats;
import io.stagdb.domain.port.in.Offer;
import io.stagdb.domain.port.in.StagDb;
import io.stagdb.domain.service.ReconcileReport;
import io.stagdb.domain.service.Reconciler;
import io.stagdb.domain.service.StagDbService;
import io.stagdb.domain.service.StagDbSettings;
import io.stagdb.domain.webhook.WebhookTargets;
import io.stagdb.domain.webhook.Webhooks;
import io.stagdb.server.catalog.SqliteApiKeyStore;
import io.stagdb.server.catalog.SqliteCatalog;
import io.stagdb.server.catalog.SqliteDatabase;
import io.stagdb.server.catalog.SqliteWebhookStore;
import io.stagdb.server.config.ConfigLoader;
import io.stagdb.server.config.ServerConfig;
import io.stagdb.zfs.ZfsMode;
import io.stagdb.zfs.ZfsVolumeStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * stagDB in-process: the domain wired to SQLite, ZFS and Docker, without the REST API. This is how
 * a Java program embeds stagDB; {@link StagDbServer} adds the API and background jobs on top.
 *
 * <pre>{@code
 * try (StagDbEngine stagDb = StagDbEngine.builder().zfsRoot("tank/stagdb").dataDir(Path.of("/var/lib/stagdb")).build()) {
 *   Database db = stagDb.create(CreateDatabase.of(DatabaseName.of("main-db"), EngineVersion.parse("postgresql", "15")));
 *   stagDb.snapshot(db.name(), SnapshotName.of("baseline"));
 *   Database branch = stagDb.branchFromSnapshot(SnapshotName.of("baseline"), CreateBranch.named(DatabaseName.of("test-1")));
 * }
 * }</pre>
 */
public final class StagDbEngine implements StagDb, AutoCloseable {
  private final ServerConfig config;
  private final SqliteDatabase sqlite;
  private final DockerDatabaseRuntime runtime;
  private final StagDbService service;
  private final Reconciler reconciler;
  private final ApiKeys apiKeys;
  private final Webhooks webhooks;
  private final HttpWebhookSender sender;
  private final ZfsVolumeStore volumes;

  private StagDbEngine(ServerConfig config, io.stagdb.domain.port.out.OperationObserver observer) {
    this.config = config;
    Clock clock = Clock.systemUTC();
    SqliteDatabase db = SqliteDatabase.open(config.catalogFile());
    DockerDatabaseRuntime docker = null;
    HttpWebhookSender sender = null;
    ZfsVolumeStore volumes;
    try {
      volumes = ZfsVolumeStore.open(config.zfsRoot(), config.mountDir(), ZfsMode.parse(config.zfsMode()),
          config.zfsCommand());
      Map<String, String> instanceLabels = new LinkedHashMap<>(config.containerLabels());
      instanceLabels.put("io.stagdb.root", config.zfsRoot());
      docker = DockerDatabaseRuntime.connect(new DockerSettings(config.dockerHost(), config.bindAddress(), config.images(),
          config.containerPrefix(), instanceLabels, config.pullImages(), config.mongoReplicaSet(), config.shutdownTimeout(),
          config.dataDir().resolve("control")));
      docker.sweepControlDirectories();
      SqliteCatalog catalog = new SqliteCatalog(db);
      this.service = new StagDbService(volumes, docker, catalog, new RandomSecrets(), clock,
          new StagDbSettings(config.resources(), config.ports(), config.readyTimeout(), Map.of(), config.lockWait(),
              config.maxTtl(), config.backgroundThreads(), config.standbys(), config.standbyIdle(), config.standbyMax()),
          observer, new io.stagdb.server.schedule.CronSchedules());
      this.reconciler = service.reconciler(config.removeOrphans());
      this.apiKeys = new ApiKeys(new SqliteApiKeyStore(db), clock);
      WebhookTargets targets = WebhookTargets.system(config.webhooksAllowPrivateNetworks());
      sender = new HttpWebhookSender(config.webhookTimeout(), clock, targets);
      this.webhooks = new Webhooks(catalog, new SqliteWebhookStore(db), sender, clock, config.webhookBackoff(), targets);
    } catch (RuntimeException e) {
      if (sender != null) {
        sender.close();
      }
      if (docker != null) {
        docker.close();
      }
      db.close();
      throw e;
    }
    this.sqlite = db;
    this.volumes = volumes;
    this.runtime = docker;
    this.sender = sender;
  }

  /** Starts from a loaded configuration. */
  public static StagDbEngine start(ServerConfig config) {
    return start(config, io.stagdb.domain.port.out.OperationObserver.NONE);
  }

  /** Starts from a loaded configuration, telling {@code observer} how long each operation takes. */
  public static StagDbEngine start(ServerConfig config, io.stagdb.domain.port.out.OperationObserver observer) {
    return new StagDbEngine(config, observer);
  }

  /** The pool's figures for the configured root (every volume's use, and what is free). */
  public io.stagdb.domain.port.out.VolumeUsage poolUsage() {
    return volumes.rootUsage();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds an engine from configuration keys (see {@link ConfigLoader}); unset keys keep their defaults. */
  public static final class Builder {
    private final Map<String, String> settings = new LinkedHashMap<>();

    private Builder() {
    }

    public Builder zfsRoot(String dataset) {
      return set("zfs.root", dataset);
    }

    public Builder dataDir(Path dir) {
      return set("dataDir", dir.toAbsolutePath().toString());
    }

    public Builder publicHost(String host) {
      return set("api.publicHost", host);
    }

    public Builder bindAddress(String address) {
      return set("docker.bindAddress", address);
    }

    /** The image to run for an engine version, e.g. {@code image("postgresql", "15", "postgres:15")}. */
    public Builder image(String engine, String version, String image) {
      return set("images." + engine + "." + version, image);
    }

    /** Any configuration key, e.g. {@code set("ports.first", "20000")}. */
    public Builder set(String key, String value) {
      settings.put(key, value);
      return this;
    }

    public StagDbEngine build() {
      return start(ConfigLoader.load(null, Map.of(), settings));
    }
  }

  public ServerConfig config() {
    return config;
  }

  /** Brings catalog, volumes and containers into agreement (see {@link Reconciler}). */
  public ReconcileReport reconcile(boolean dryRun) {
    return reconciler.reconcile(dryRun);
  }

  public ApiKeys apiKeys() {
    return apiKeys;
  }

  public Webhooks webhooks() {
    return webhooks;
  }

  /** Deletes branches whose TTL has passed; returns their names. */
  public List<DatabaseName> deleteExpired() {
    return service.deleteExpired();
  }

  /** Marks databases whose container crashed FAILED; returns their names. */
  public List<DatabaseName> detectCrashes() {
    return service.detectCrashes();
  }

  // ---- StagDb ----

  @Override
  public Database create(CreateDatabase request) {
    return service.create(request);
  }

  @Override
  public Database get(DatabaseName name) {
    return service.get(name);
  }

  @Override
  public java.util.Optional<io.stagdb.domain.port.in.ImportProgress> importProgress(Database database) {
    return service.importProgress(database);
  }

  @Override
  public Database refresh(DatabaseName database) {
    return service.refresh(database);
  }

  @Override
  public Database refreshInBackground(DatabaseName database) {
    return service.refreshInBackground(database);
  }

  @Override
  public void refreshDue() {
    service.refreshDue();
  }

  @Override
  public List<Database> list(DatabaseFilter filter) {
    return service.list(filter);
  }

  @Override
  public Database start(DatabaseName name) {
    return service.start(name);
  }

  @Override
  public Database stop(DatabaseName name) {
    return service.stop(name);
  }

  @Override
  public Database restart(DatabaseName name) {
    return service.restart(name);
  }

  @Override
  public Database createInBackground(CreateDatabase request) {
    return service.createInBackground(request);
  }

  @Override
  public void delete(DatabaseName name, boolean cascade) {
    service.delete(name, cascade);
  }

  @Override
  public Database deleteInBackground(DatabaseName name, boolean cascade) {
    return service.deleteInBackground(name, cascade);
  }

  @Override
  public io.stagdb.domain.port.in.DumpImport importDump(DatabaseName name, java.io.InputStream dump) {
    return service.importDump(name, dump);
  }

  @Override
  public Database recycle(DatabaseName branch) {
    return service.recycle(branch);
  }

  @Override
  public void release(DatabaseName branch) {
    service.release(branch);
  }

  /** Finishes deletions left half-done; returns how many finished. */
  public int finishPendingDeletions() {
    return service.finishPendingDeletions();
  }

  /** Waits until deletions and creations answered but not yet done are done. */
  public boolean awaitBackgroundWork(java.time.Duration timeout) {
    return service.awaitBackgroundWork(timeout);
  }

  @Override
  public Snapshot snapshot(DatabaseName database, SnapshotName name) {
    return service.snapshot(database, name);
  }

  @Override
  public Snapshot getSnapshot(SnapshotName name) {
    return service.getSnapshot(name);
  }

  @Override
  public List<Snapshot> snapshots(DatabaseName database) {
    return service.snapshots(database);
  }

  @Override
  public void deleteSnapshot(SnapshotName name, boolean cascade) {
    service.deleteSnapshot(name, cascade);
  }

  @Override
  public Database branchFromDatabase(DatabaseName source, CreateBranch request) {
    return service.branchFromDatabase(source, request);
  }

  @Override
  public Database branchFromSnapshot(SnapshotName source, CreateBranch request) {
    return service.branchFromSnapshot(source, request);
  }

  @Override
  public Database reset(DatabaseName branch, SnapshotName snapshot) {
    return service.reset(branch, snapshot);
  }

  @Override
  public DatabaseStats stats(DatabaseName name) {
    return service.stats(name);
  }

  @Override
  public Offer offer() {
    return service.offer();
  }

  @Override
  public String logs(DatabaseName name, int tail, Instant since) {
    return service.logs(name, tail, since);
  }

  @Override
  public io.stagdb.domain.port.out.LogFollower.Stream followLogs(DatabaseName name, int tail, Instant since,
      io.stagdb.domain.port.out.LogFollower follower) {
    return service.followLogs(name, tail, since, follower);
  }

  /** Lets background work finish a moment, then closes the catalog and the Docker connection; databases keep running. */
  @Override
  public void close() {
    service.close();
    sender.close();
    runtime.close();
    sqlite.close();
  }
}
