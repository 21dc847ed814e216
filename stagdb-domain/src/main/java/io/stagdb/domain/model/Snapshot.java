package io.stagdb.domain.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A point-in-time copy of a database's volume.
 *
 * @param automatic taken to branch from a database; it disappears with its last branch
 */
public record Snapshot(SnapshotId id, SnapshotName name, DatabaseId database, DatabaseName databaseName,
                       String volume, boolean automatic, Instant createdAt) {

  public Snapshot {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(databaseName, "databaseName");
    Objects.requireNonNull(volume, "volume");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
