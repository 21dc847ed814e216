package example;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/** The project's existing Testcontainers test, unchanged: it must keep working beside stagdb-junit. */
@Testcontainers
class AccountsWithTestcontainersTest {
  /** A local image that honours the official postgres image's contract (no registry on this host). */
  static final DockerImageName IMAGE = DockerImageName.parse(System.getProperty("sample.postgresImage",
      "stagdb-test/postgres:15")).asCompatibleSubstituteFor("postgres");

  /**
   * With the official image Testcontainers' default wait applies; the local image initialises in
   * single-user mode, so "ready to accept connections" is logged once, not twice.
   */
  @Container
  static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer(IMAGE)
      .waitingFor(Wait.forLogMessage(".*ready to accept connections.*", 1));

  @Test
  void aContainerOfItsOwn() throws SQLException {
    try (Connection c = DriverManager.getConnection(POSTGRES.getJdbcUrl(), POSTGRES.getUsername(), POSTGRES.getPassword());
         Statement s = c.createStatement()) {
      s.execute(Accounts.SCHEMA);
      s.execute(Accounts.ROWS);
      assertThat(Accounts.query(c, "SELECT count(*) FROM accounts")).isEqualTo(1000);
    }
  }
}
