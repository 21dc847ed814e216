package example.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The benchmark's test body, the same for every way of getting a database: check that the test sees
 * only the source's rows where every test writes (the first 50,000 accounts: all there, balances
 * untouched; through the primary key, as a test's queries would be), write there, then work half a
 * second. {@code -Dbench.write=heavy} deletes those 50,000 rows instead of updating 100 of them.
 */
final class Workload {

  private Workload() {
  }

  static void run(Connection c, boolean isolated) throws SQLException, InterruptedException {
    boolean heavy = "heavy".equals(System.getProperty("bench.write", "light"));
    try (Statement s = c.createStatement()) {
      long rows = query(s, "SELECT count(*) FROM pgbench_accounts WHERE aid <= 50000");
      long changed = query(s, "SELECT count(*) FROM pgbench_accounts WHERE aid <= 100 AND abalance <> 0");
      if (isolated) {   // with one shared database the other tests' writes show: nothing to assert
        assertThat(rows).isEqualTo(50_000);
        assertThat(changed).isZero();
      }
      if (heavy) {
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
