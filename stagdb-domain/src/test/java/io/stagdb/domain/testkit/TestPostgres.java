package io.stagdb.domain.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/**
 * PostgreSQL containers for integration tests that need a real engine without the Docker
 * adapter: run one on a data directory with a loopback port, and connect once it accepts logins.
 * Containers carry the run label, so {@link TestHost#sweepDeadRuns()} removes them after a kill.
 */
public final class TestPostgres {
  public static final String IMAGE = "stagdb-test/postgres:15";

  private TestPostgres() {
  }

  /** Runs PostgreSQL on {@code dataDir} as container {@code <run id>-<role>}; returns the loopback port. */
  public static int run(String role, String dataDir, String password) {
    String name = containerName(role);
    TestHost.Result run = TestHost.exec(List.of("docker", "run", "-d", "--name", name,
        "--label", TestHost.RUN_LABEL + "=" + TestHost.runId(), "-e", "POSTGRES_PASSWORD=" + password,
        "-p", "127.0.0.1::5432", "-v", dataDir + ":/var/lib/postgresql/data", IMAGE));
    if (!run.ok()) {
      throw new IllegalStateException("docker run " + name + " failed: " + run.stderr());
    }
    String published = TestHost.exec(List.of("docker", "port", name, "5432/tcp")).stdout().strip().split("\n")[0];
    return Integer.parseInt(published.substring(published.lastIndexOf(':') + 1));
  }

  public static String containerName(String role) {
    return TestHost.runId() + "-" + role;
  }

  /** Removes the container of {@code role}, if any. */
  public static void remove(String role) {
    TestHost.exec(List.of("docker", "rm", "-f", "-v", containerName(role)));
  }

  /** Connects as {@code postgres} once the server accepts logins (polling, no fixed sleep), within 60 s. */
  public static Connection connect(int port, String password) throws SQLException, InterruptedException {
    return awaitConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", password,
        java.time.Duration.ofSeconds(60));
  }

  /** Connects by JDBC once the server accepts the login (polling, no fixed sleep), within {@code bound}. */
  public static Connection awaitConnection(String url, String user, String password, java.time.Duration bound)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (true) {
      try {
        return DriverManager.getConnection(url, user, password);
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }
}
