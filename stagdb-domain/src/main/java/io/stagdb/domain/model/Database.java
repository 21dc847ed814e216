package io.stagdb.domain.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A database or branch as the catalog records it.
 *
 * @param engineSettings PostgreSQL extensions and engine settings, inherited by its branches
 * @param source      the live database it was imported from, or {@code null}
 * @param refresh     when it is copied again from its source and how many import snapshots are kept; with a source only
 * @param volume      the key of its volume in the volume store (changes when a branch is reset)
 * @param origin      the snapshot it was branched from, empty for a database created from scratch
 * @param expiresAt   when the TTL reaper deletes it, or {@code null}
 * @param labels      free-form labels, e.g. the test session that owns a branch
 * @param statusDetail why it FAILED, or {@code null}
 */
public record Database(
    DatabaseId id,
    DatabaseName name,
    EngineVersion engine,
    DatabaseStatus status,
    Resources resources,
    int port,
    Credentials credentials,
    Map<String, String> env,
    List<String> initScripts,
    EngineSettings engineSettings,
    ImportSource source,
    RefreshPolicy refresh,
    String volume,
    SnapshotId origin,
    Instant expiresAt,
    Map<String, String> labels,
    String statusDetail,
    Instant createdAt,
    Instant updatedAt) {

  public Database {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(volume, "volume");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    env = Map.copyOf(env);
    initScripts = List.copyOf(initScripts);
    engineSettings = engineSettings == null ? EngineSettings.NONE : engineSettings;
    refresh = source == null ? null : refresh == null ? RefreshPolicy.ON_REQUEST : refresh;
    labels = Map.copyOf(labels);
  }

  public boolean isBranch() {
    return origin != null;
  }

  public Optional<SnapshotId> originSnapshot() {
    return Optional.ofNullable(origin);
  }

  public Database withStatus(DatabaseStatus next, String detail, Instant now) {
    if (!status.canBecome(next)) {
      throw new IllegalStateException(name + ": " + status + " cannot become " + next);
    }
    return new Database(id, name, engine, next, resources, port, credentials, env, initScripts, engineSettings, source, refresh,
        volume, origin, expiresAt, labels, detail, createdAt, now);
  }

  public Database withVolume(String newVolume, SnapshotId newOrigin, Instant now) {
    return new Database(id, name, engine, status, resources, port, credentials, env, initScripts, engineSettings, source, refresh,
        newVolume, newOrigin, expiresAt, labels, statusDetail, createdAt, now);
  }

  public Database withPort(int newPort, Instant now) {
    return new Database(id, name, engine, status, resources, newPort, credentials, env, initScripts, engineSettings, source, refresh,
        volume, origin, expiresAt, labels, statusDetail, createdAt, now);
  }

  /** The same database under another name, with other labels and expiry (a standby handed over). */
  public Database renamed(DatabaseName newName, Map<String, String> newLabels, Instant newExpiresAt, Instant now) {
    return new Database(id, newName, engine, status, resources, port, credentials, env, initScripts, engineSettings, source, refresh,
        volume, origin, newExpiresAt, newLabels, statusDetail, createdAt, now);
  }

  public Database withCredentials(Credentials newCredentials, Instant now) {
    return new Database(id, name, engine, status, resources, port, newCredentials, env, initScripts, engineSettings, source, refresh,
        volume, origin, expiresAt, labels, statusDetail, createdAt, now);
  }
}
