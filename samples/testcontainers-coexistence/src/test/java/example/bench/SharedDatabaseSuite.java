package example.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Tag;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** The floor: the same tests on one database they all share, with no isolation (nothing to check it with). */
@Tag("bench")
class SharedDatabaseSuite {
  static PostgreSQLContainer shared;

  @BeforeAll
  static void start() {
    shared = TestcontainersSuite.baked();
    shared.start();
  }

  @AfterAll
  static void stop() {
    shared.stop();
  }

  @RepeatedTest(20)
  void test() throws Exception {
    try (Connection c = DriverManager.getConnection(shared.getJdbcUrl(), shared.getUsername(), shared.getPassword())) {
      Workload.run(c, false);
    }
  }
}
