package io.stagdb.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.model.Event;
import io.stagdb.domain.model.EventType;
import io.stagdb.domain.port.out.Catalog;
import io.stagdb.domain.testkit.CatalogContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog contract on a real SQLite file, plus what only a file can show. */
class SqliteCatalogTest extends CatalogContract {
  @TempDir
  Path dir;
  private SqliteDatabase database;
  private Catalog catalog;

  @BeforeEach
  void open() {
    database = SqliteDatabase.open(dir.resolve("catalog.db"));
    catalog = new SqliteCatalog(database);
  }

  @Override
  protected Catalog catalog() {
    return catalog;
  }

  @AfterEach
  void close() {
    if (database != null) {
      database.close();
    }
  }

  @Test
  void theFileIsReadableByItsOwnerOnly() throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("catalog.db")))).isEqualTo("rw-------");
  }

  @Test
  void committedChangesAndPendingEventsSurviveAReopen() {
    catalog().transact(tx -> {
      tx.insert(database("durable"));
      tx.emit(Event.of(EventType.DATABASE_CREATED, Instant.parse("2026-11-25T10:00:00Z"), Map.of("name", "durable")));
      return null;
    });
    database.close();
    database = SqliteDatabase.open(dir.resolve("catalog.db"));
    Catalog reopened = new SqliteCatalog(database);
    assertThat(reopened.databases()).extracting(d -> d.name().value()).containsExactly("durable");
    assertThat(reopened.pendingEvents(10)).extracting(Event::type).containsExactly(EventType.DATABASE_CREATED);
  }
}
