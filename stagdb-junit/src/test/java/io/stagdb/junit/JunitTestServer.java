package io.stagdb.junit;

import io.stagdb.domain.access.ApiKey;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.model.SnapshotName;
import io.stagdb.domain.port.in.CreateDatabase;
import io.stagdb.domain.testkit.TestHost;
import io.stagdb.server.StagDbEngine;
import io.stagdb.server.StagDbServer;
import io.stagdb.server.TestServers;
import io.stagdb.server.config.ConfigLoader;
import java.util.List;
import java.util.Map;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * For the integration tests of this module (system property {@code stagdb.it.server=true}): a real
 * stagDB server for remote mode and a ZFS root for embedded mode, each holding the source database
 * {@value #SOURCE} (table {@code items} with 3 rows) and its snapshot {@value #BASE}. The settings
 * reach the extension as system properties, as a user's would.
 */
public final class JunitTestServer implements LauncherSessionListener {
  static final String SOURCE = "junit-src";
  static final String BASE = "junit-base";
  static final String REMOTE = "junit-remote";
  static final String EMBEDDED = "junit-embedded";
  private static final List<String> SEED = List.of("CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL)",
      "INSERT INTO items VALUES (1, 'one'), (2, 'two'), (3, 'three')");
  static StagDbServer server;
  static String adminKey;

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    if (!Boolean.getBoolean("stagdb.it.server") || server != null) {
      return;
    }
    System.setProperty("stagdb.required", Boolean.toString(TestHost.infraRequired()));
    if (!TestHost.exec(List.of("zpool", "list", TestHost.POOL)).ok() || !TestHost.exec(List.of("docker", "info")).ok()) {
      return;   // the tests report it: disabled, or failed under stagdb.required
    }
    TestHost.sweepDeadRuns();
    Map<String, String> remote = TestServers.settings(REMOTE, TestServers.freePort());
    remote.put("reaper.interval", "1s");
    server = StagDbServer.start(ConfigLoader.load(null, Map.of(), remote), "test");
    adminKey = server.engine().apiKeys().issue("junit-it", ApiKey.Scope.ADMIN).token();
    seed(server.engine());
    System.setProperty("stagdb.url", "http://127.0.0.1:" + server.port());
    System.setProperty("stagdb.apiKey", adminKey);

    Map<String, String> embedded = TestServers.settings(EMBEDDED, TestServers.freePort());
    StagDbEngine.Builder builder = StagDbEngine.builder();
    embedded.forEach(builder::set);
    try (StagDbEngine engine = builder.build()) {
      seed(engine);
    }
    embedded.forEach((k, v) -> System.setProperty("stagdb.embedded." + k, v));
  }

  private static void seed(StagDbEngine engine) {
    engine.create(new CreateDatabase(DatabaseName.of(SOURCE), EngineVersion.parse("postgresql", "15"), null, null, null,
        SEED, null, null, null));
    engine.snapshot(DatabaseName.of(SOURCE), SnapshotName.of(BASE));
  }

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    if (server != null) {
      server.close();
      server = null;
      TestServers.cleanUp(REMOTE);
      TestServers.cleanUp(EMBEDDED);
      TestHost.removeRunNetworks();
    }
  }
}
