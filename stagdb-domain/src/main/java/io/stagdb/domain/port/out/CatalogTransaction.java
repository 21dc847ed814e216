package io.stagdb.domain.port.out;

import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.model.SnapshotId;

/** Changes made in one unit of work; events emitted here commit or roll back with them. */
public interface CatalogTransaction extends CatalogReader, EventSink {

  /** Conflict (already exists) when the name or the port is taken. */
  void insert(Database database);

  /** NotFound when it is not there. */
  void update(Database database);

  void delete(DatabaseId id);

  /** Conflict (already exists) when the name is taken. */
  void insert(Snapshot snapshot);

  void delete(SnapshotId id);
}
