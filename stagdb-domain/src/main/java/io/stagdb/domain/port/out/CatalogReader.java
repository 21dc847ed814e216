package io.stagdb.domain.port.out;

import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.model.SnapshotId;
import io.stagdb.domain.model.SnapshotName;
import java.util.List;
import java.util.Optional;

/** Reads of the catalog, inside or outside a transaction. */
public interface CatalogReader {

  Optional<Database> findDatabase(DatabaseName name);

  Optional<Database> findDatabase(DatabaseId id);

  /** All databases and branches, ordered by name. */
  List<Database> databases();

  Optional<Snapshot> findSnapshot(SnapshotName name);

  Optional<Snapshot> findSnapshot(SnapshotId id);

  /** All snapshots, oldest first. */
  List<Snapshot> snapshots();
}
