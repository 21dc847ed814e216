package example;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** The sample's table, as the source database (and the Testcontainers image) hold it. */
final class Accounts {
  static final String SCHEMA = "CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance int NOT NULL)";
  static final String ROWS = "INSERT INTO accounts SELECT g, 'owner-' || g, 100 FROM generate_series(1, 1000) g";

  private Accounts() {
  }

  static long query(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Sees exactly the source's rows, then changes some of them. */
  static void seesTheSourceThenWrites(DataSource db) throws SQLException {
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      assertThat(query(c, "SELECT count(*) FROM accounts")).isEqualTo(1000);
      assertThat(query(c, "SELECT sum(balance) FROM accounts")).isEqualTo(100_000);
      s.executeUpdate("UPDATE accounts SET balance = balance - 10 WHERE id <= 10");
      s.executeUpdate("DELETE FROM accounts WHERE id > 990");
      assertThat(query(c, "SELECT count(*) FROM accounts")).isEqualTo(990);
    }
  }
}
