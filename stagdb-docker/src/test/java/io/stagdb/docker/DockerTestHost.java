package io.stagdb.docker;

import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.model.Resources;
import io.stagdb.domain.port.out.ContainerSpec;
import io.stagdb.domain.testkit.TestHost;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The Docker runtime as the integration tests use it: local images, this run's labels, data on the ZFS test pool. */
final class DockerTestHost {
  static final Map<String, String> LOCAL_IMAGES = Map.of(
      "postgresql.12", "stagdb-test/postgres:12", "postgresql.13", "stagdb-test/postgres:13",
      "postgresql.14", "stagdb-test/postgres:14", "postgresql.15", "stagdb-test/postgres:15",
      "postgresql.16", "stagdb-test/postgres:16", "mariadb.10.11", "stagdb-test/mariadb:10.11");

  private DockerTestHost() {
  }

  static DockerSettings settings() {
    return new DockerSettings(null, "127.0.0.1", LOCAL_IMAGES, TestHost.runId() + "-",
        Map.of(TestHost.RUN_LABEL, TestHost.runId()), false, false, null, TestHost.mountDirFor("control"));
  }

  /** Creates this class's dataset (mounted) and returns its mount point. */
  static Path dataset(String purpose) {
    String dataset = TestHost.datasetFor(purpose);
    Path mounts = TestHost.mountDirFor(purpose);
    TestHost.Result r = TestHost.exec(List.of("zfs", "create", "-o", "mountpoint=" + mounts, dataset));
    if (!r.ok()) {
      throw new IllegalStateException(r.stderr());
    }
    return mounts;
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A spec on a new, empty directory below {@code parent}. */
  static ContainerSpec spec(Path parent, String engine, String version, String password) {
    DatabaseId id = DatabaseId.random();
    Path data = parent.resolve(id.value());
    try {
      Files.createDirectories(data);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    EngineVersion ev = EngineVersion.parse(engine, version);
    Credentials credentials = new Credentials(ev.engine().defaultUser(), password, ev.engine().defaultDatabase());
    return new ContainerSpec(id, DatabaseName.of("t" + id.value().substring(3)), ev,
        new Resources(512L << 20, 1000, 1L << 30), freePort(), credentials, Map.of(), data,
        Map.of(TestHost.RUN_LABEL, TestHost.runId()));
  }
}
