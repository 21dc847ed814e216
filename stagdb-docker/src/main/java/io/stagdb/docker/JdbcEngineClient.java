package io.stagdb.docker;

import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.port.out.EngineStats;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/** What the SQL engines share: connecting over JDBC and telling "not yet" from "refused". */
abstract class JdbcEngineClient implements EngineClient {

  abstract String url(Endpoint endpoint, Credentials credentials, Duration timeout);

  /** Whether a failed connection means the engine refused the login (as opposed to not being up). */
  abstract boolean isRefusal(SQLException e);

  Connection connect(Endpoint endpoint, Credentials credentials, Duration timeout) throws SQLException {
    return DriverManager.getConnection(url(endpoint, credentials, timeout), credentials.username(), credentials.password());
  }

  @Override
  public void login(Endpoint endpoint, Credentials credentials, Duration timeout) throws NotYet, Refused {
    try (Connection c = connect(endpoint, credentials, timeout); Statement s = c.createStatement()) {
      s.execute("SELECT 1");
    } catch (SQLException e) {
      if (isRefusal(e)) {
        throw new Refused("login of " + credentials.username() + " refused: " + e.getMessage());
      }
      if (String.valueOf(e.getMessage()).startsWith("No suitable driver")) {
        throw new InfrastructureException("no JDBC driver on the class path for " + getClass().getSimpleName()
            + " (a packaging error): " + e.getMessage(), e);
      }
      throw new NotYet(e.getMessage());
    }
  }

  @Override
  public void runScripts(Endpoint endpoint, Credentials credentials, List<String> scripts) {
    if (scripts.isEmpty()) {
      return;
    }
    try (Connection c = connect(endpoint, credentials, Duration.ofSeconds(10)); Statement s = c.createStatement()) {
      for (int i = 0; i < scripts.size(); i++) {
        try {
          s.execute(scripts.get(i));
        } catch (SQLException e) {
          throw new io.stagdb.domain.error.InvalidRequestException("config.initScripts[" + i + "]",
              "failed: " + e.getMessage());
        }
      }
    } catch (SQLException e) {
      throw new InfrastructureException("cannot run init scripts: " + e.getMessage(), e);
    }
  }

  /** The SQL returning one row: data size in bytes, then open sessions. */
  abstract String statsQuery();

  @Override
  public EngineStats stats(Endpoint endpoint, Credentials credentials) {
    try (Connection c = connect(endpoint, credentials, Duration.ofSeconds(10)); Statement s = c.createStatement();
         java.sql.ResultSet rs = s.executeQuery(statsQuery())) {
      rs.next();
      return new EngineStats(rs.getLong(1), rs.getInt(2));
    } catch (SQLException e) {
      throw new InfrastructureException("cannot read engine stats: " + e.getMessage(), e);
    }
  }

  /** Runs one statement as {@code credentials}; for password changes and checkpoints. */
  void execute(Endpoint endpoint, Credentials credentials, String sql, String what) {
    try (Connection c = connect(endpoint, credentials, Duration.ofSeconds(10)); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new InfrastructureException(what + " failed: " + e.getMessage(), e);
    }
  }

  /** A string literal for SQL: quotes doubled (and backslashes, for MySQL's default mode). */
  static String literal(String value, boolean escapeBackslashes) {
    String v = escapeBackslashes ? value.replace("\\", "\\\\") : value;
    return "'" + v.replace("'", "''") + "'";
  }

  static int seconds(Duration timeout) {
    return (int) Math.max(1, timeout.toSeconds());
  }
}
