package io.stagdb.junit;

import java.sql.SQLException;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** A {@link DataSource} for a branch, from its engine's own JDBC driver. */
final class BranchDataSource {
  private BranchDataSource() {
  }

  static DataSource of(Branch branch) {
    try {
      return switch (branch.engine()) {
        case "postgresql" -> {
          PGSimpleDataSource ds = new PGSimpleDataSource();
          ds.setURL(branch.jdbcUrl());
          ds.setUser(branch.username());
          ds.setPassword(branch.password());
          yield ds;
        }
        case "mysql", "mariadb" -> {
          MariaDbDataSource ds = new MariaDbDataSource(branch.jdbcUrl());
          ds.setUser(branch.username());
          ds.setPassword(branch.password());
          yield ds;
        }
        default -> throw new IllegalArgumentException("no JDBC DataSource for " + branch.engine() + " (" + branch + ")");
      };
    } catch (SQLException e) {
      throw new IllegalStateException("cannot make a DataSource for " + branch + ": " + e.getMessage(), e);
    }
  }
}
