package io.stagdb.server.catalog;

import io.stagdb.domain.access.ApiKeyStore;
import io.stagdb.domain.testkit.AccessStoresContract;
import io.stagdb.domain.webhook.WebhookStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The key and webhook store contract on a real SQLite file. */
class SqliteAccessStoresTest extends AccessStoresContract {
  @TempDir
  Path dir;
  private SqliteDatabase database;
  private SqliteDatabase database() {
    if (database == null) {
      database = SqliteDatabase.open(dir.resolve("catalog.db"));
    }
    return database;
  }

  @AfterEach
  void close() {
    if (database != null) {
      database.close();
    }
  }

  @Override
  protected ApiKeyStore keys() {
    return new SqliteApiKeyStore(database());
  }

  @Override
  protected WebhookStore webhooks() {
    return new SqliteWebhookStore(database());
  }
}
