package example.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The benchmark's test body, the same for every way of getting a database: check that the test sees
 * only the source's rows (pgbench data, untouched), write, then work half a second.
 * {@code -Dbench.write=heavy} deletes 50,000 rows instead of updating 100.
 */
final class Workload {
  static final int SCALE = Integer.getInteger("bench.scale", 10);
  static final boolean HEAVY = "heavy".equals(System.getProperty("bench.write", "light"));

  private Workload() {
  }

  static void run(Connection c, boolean isolated) throws SQLException, InterruptedException {
    try (Statement s = c.createStatement()) {
      if (isolated) {
        assertThat(query(s, "SELECT count(*) FROM pgbench_accounts")).isEqualTo(SCALE * 100_000L);
        assertThat(query(s, "SELECT sum(abalance) FROM pgbench_accounts")).isZero();
      } else {
        query(s, "SELECT count(*) FROM pgbench_accounts");   // the same reads, whatever other tests did
        query(s, "SELECT sum(abalance) FROM pgbench_accounts");
      }
      if (HEAVY) {
        s.executeUpdate("DELETE FROM pgbench_accounts WHERE aid <= 50000");
      } else {
        s.executeUpdate("UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid <= 100");
      }
    }
    Thread.sleep(500);
  }

  private static long query(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
