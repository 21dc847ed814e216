package example.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Tag;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The suite with a fresh database per test the usual way: a new Testcontainers PostgreSQL container
 * per test from an image with the same data baked in (so nothing is loaded per test).
 */
@Tag("bench")
class TestcontainersSuite {
  static PostgreSQLContainer baked() {
    return new PostgreSQLContainer(DockerImageName.parse(System.getProperty("bench.image"))
        .asCompatibleSubstituteFor("postgres"))
        // the data is initialised already: the engine starts once, not twice as after an initdb
        .waitingFor(Wait.forLogMessage(".*ready to accept connections.*", 1));
  }

  @RepeatedTest(20)
  void test() throws Exception {
    try (PostgreSQLContainer postgres = baked()) {
      postgres.start();
      try (Connection c = DriverManager.getConnection(postgres.getJdbcUrl(), postgres.getUsername(), postgres.getPassword())) {
        Workload.run(c, true);
      }
    }
  }
}
