package io.stagdb.domain;

import io.stagdb.domain.access.ApiKeyStore;
import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.model.Resources;
import io.stagdb.domain.port.out.Catalog;
import io.stagdb.domain.port.out.ContainerSpec;
import io.stagdb.domain.port.out.DatabaseRuntime;
import io.stagdb.domain.port.out.VolumeStore;
import io.stagdb.domain.webhook.WebhookStore;
import io.stagdb.domain.testkit.AccessStoresContract;
import io.stagdb.domain.testkit.CatalogContract;
import io.stagdb.domain.testkit.DatabaseRuntimeContract;
import io.stagdb.domain.testkit.Faults;
import io.stagdb.domain.testkit.InMemoryCatalog;
import io.stagdb.domain.testkit.InMemoryDatabaseRuntime;
import io.stagdb.domain.testkit.InMemoryApiKeyStore;
import io.stagdb.domain.testkit.InMemoryVolumeStore;
import io.stagdb.domain.testkit.InMemoryWebhookStore;
import io.stagdb.domain.testkit.VolumeStoreContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The in-memory ports pass the same contracts as the real adapters. */
class InMemoryPortsTest {

  @Nested
  class VolumeStoreTest extends VolumeStoreContract {
    @TempDir
    Path dir;
    private InMemoryVolumeStore store;

    @Override
    protected VolumeStore store() {
      if (store == null) {
        store = new InMemoryVolumeStore(dir, new Faults());
      }
      return store;
    }

    @Override
    protected void unmountBehindTheStoresBack(String volume) {
      store.unmount(volume);
    }
  }

  @Nested
  class RuntimeTest extends DatabaseRuntimeContract {
    @TempDir
    Path dir;
    private final InMemoryDatabaseRuntime runtime = new InMemoryDatabaseRuntime(new Faults());
    private int port = 20000;

    @Override
    protected DatabaseRuntime runtime() {
      return runtime;
    }

    @Override
    protected void makeTheEngineLog(ContainerSpec spec, String marker) {
      runtime.log(spec.id(), "ERROR: relation \"" + marker + "\" does not exist");
    }

    @Override
    protected ContainerSpec newSpec() {
      DatabaseId id = DatabaseId.random();
      Path data = dir.resolve(id.value());
      try {
        Files.createDirectories(data);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return new ContainerSpec(id, DatabaseName.of("rt-" + port), EngineVersion.parse("pg", "15"),
          new Resources(512L << 20, 1000, 1L << 30), port++, new Credentials("postgres", "pw", "postgres"),
          Map.of(), data, Map.of());
    }
  }

  @Nested
  class AccessStoresTest extends AccessStoresContract {
    private final InMemoryApiKeyStore keys = new InMemoryApiKeyStore();
    private final InMemoryWebhookStore webhooks = new InMemoryWebhookStore();

    @Override
    protected ApiKeyStore keys() {
      return keys;
    }

    @Override
    protected WebhookStore webhooks() {
      return webhooks;
    }
  }

  @Nested
  class CatalogTest extends CatalogContract {
    private final Catalog catalog = new InMemoryCatalog(new Faults());

    @Override
    protected Catalog catalog() {
      return catalog;
    }
  }
}
