package io.stagdb.junit;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} for a branch through {@link DriverManager}: it works with whichever JDBC
 * driver the test class path has (stagDB brings none), and says which one to add when none fits.
 */
final class BranchDataSource implements DataSource {
  private final Branch branch;
  private PrintWriter logWriter;
  private int loginTimeout;

  private BranchDataSource(Branch branch) {
    this.branch = branch;
  }

  static DataSource of(Branch branch) {
    if (branch.jdbcUrl() == null) {
      throw new IllegalArgumentException("no JDBC DataSource for " + branch.engine() + " (" + branch + ")");
    }
    return new BranchDataSource(branch);
  }

  @Override
  public Connection getConnection() throws SQLException {
    return getConnection(branch.username(), branch.password());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    try {
      return DriverManager.getConnection(branch.jdbcUrl(), username, password);
    } catch (SQLException e) {
      if ("08001".equals(e.getSQLState()) || String.valueOf(e.getMessage()).startsWith("No suitable driver")) {
        throw new SQLException("no JDBC driver on the test class path takes " + branch.jdbcUrl() + "; add "
            + driverFor(branch.engine()) + " (stagDB brings none, so as not to clash with yours)", "08001", e);
      }
      throw e;
    }
  }

  private static String driverFor(String engine) {
    return switch (engine) {
      case "postgresql" -> "org.postgresql:postgresql";
      case "mariadb" -> "org.mariadb.jdbc:mariadb-java-client";
      default -> "com.mysql:mysql-connector-j";
    };
  }

  @Override
  public PrintWriter getLogWriter() {
    return logWriter;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    this.logWriter = out;
  }

  @Override
  public void setLoginTimeout(int seconds) {
    this.loginTimeout = seconds;
  }

  @Override
  public int getLoginTimeout() {
    return loginTimeout;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("no java.util.logging here");
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    throw new SQLException("not a wrapper of " + type.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return type.isInstance(this);
  }

  @Override
  public String toString() {
    return "BranchDataSource[" + branch + "]";
  }
}
