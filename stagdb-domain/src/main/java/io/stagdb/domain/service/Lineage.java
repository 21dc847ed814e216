package io.stagdb.domain.service;

import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.model.SnapshotId;
import io.stagdb.domain.model.SnapshotName;
import io.stagdb.domain.port.out.CatalogReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Who depends on whom in the catalog, and the data events carry about databases and snapshots. */
final class Lineage {
  private Lineage() {
  }

  static Database requireDatabase(CatalogReader reader, DatabaseName name) {
    return reader.findDatabase(name).orElseThrow(() -> new NotFoundException("database", name.value()));
  }

  static Snapshot requireSnapshot(CatalogReader reader, SnapshotName name) {
    return reader.findSnapshot(name).orElseThrow(() -> new NotFoundException("snapshot", name.value()));
  }

  /** The branches made from one snapshot. */
  static List<Database> branchesOf(CatalogReader reader, SnapshotId snapshot) {
    return reader.databases().stream().filter(d -> snapshot.equals(d.origin())).toList();
  }

  /** The snapshots taken of one database (on its current volume or on earlier ones a reset left). */
  static List<Snapshot> snapshotsOf(CatalogReader reader, Database database) {
    return reader.snapshots().stream().filter(s -> s.database().equals(database.id())).toList();
  }

  static List<String> names(List<Database> databases) {
    return databases.stream().map(d -> d.name().value()).sorted().toList();
  }

  static Map<String, String> databaseData(Database database) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("id", database.id().value());
    data.put("name", database.name().value());
    data.put("type", database.engine().engine().id());
    data.put("version", database.engine().version());
    data.put("status", database.status().name().toLowerCase(Locale.ROOT));
    if (database.statusDetail() != null) {
      data.put("detail", database.statusDetail());
    }
    return data;
  }

  static Map<String, String> snapshotData(Snapshot snapshot) {
    return Map.of("id", snapshot.id().value(), "name", snapshot.name().value(),
        "database", snapshot.databaseName().value(), "automatic", Boolean.toString(snapshot.automatic()));
  }

  static Map<String, String> withData(Map<String, String> data, String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(data);
    copy.put(key, value);
    return copy;
  }
}
