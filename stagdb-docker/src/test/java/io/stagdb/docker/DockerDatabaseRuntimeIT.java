package io.stagdb.docker;

import io.stagdb.domain.port.out.ContainerSpec;
import io.stagdb.domain.port.out.DatabaseRuntime;
import io.stagdb.domain.testkit.DatabaseRuntimeContract;
import io.stagdb.domain.testkit.TestHost;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The runtime contract on the real Docker engine with PostgreSQL 15 (local image). */
class DockerDatabaseRuntimeIT extends DatabaseRuntimeContract {
  private static DockerDatabaseRuntime runtime;
  private static Path data;

  @BeforeAll
  static void connect() {
    TestHost.requireZfsAndDocker();
    TestHost.requireImage("stagdb-test/postgres:15");
    runtime = DockerDatabaseRuntime.connect(DockerTestHost.settings());
    data = DockerTestHost.dataset("docker-contract");
  }

  @AfterAll
  static void cleanUp() {
    if (runtime != null) {
      runtime.close();
    }
    TestHost.removeRunNetworks();
    TestHost.destroyFor("docker-contract");
  }

  @Override
  protected DatabaseRuntime runtime() {
    return runtime;
  }

  @Override
  protected ContainerSpec newSpec() {
    return DockerTestHost.spec(data, "postgresql", "15", "contract-password");
  }
}
