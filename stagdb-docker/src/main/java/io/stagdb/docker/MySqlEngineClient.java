package io.stagdb.docker;

import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.port.out.DatabaseRuntime;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * MySQL and MariaDB over the MariaDB JDBC driver; quiescing holds {@code FLUSH TABLES WITH READ
 * LOCK} on one connection until the snapshot is taken.
 */
final class MySqlEngineClient extends JdbcEngineClient {

  @Override
  String url(Endpoint endpoint, Credentials credentials, Duration timeout) {
    return "jdbc:mariadb://" + endpoint.host() + ":" + endpoint.port() + "/" + credentials.database()
        + "?connectTimeout=" + timeout.toMillis() + "&socketTimeout=300000&allowMultiQueries=true"
        + "&allowPublicKeyRetrieval=true";
  }

  @Override
  boolean isRefusal(SQLException e) {
    // 1045 access denied, 1049 unknown database, 1044 access denied to database
    return e.getErrorCode() == 1045 || e.getErrorCode() == 1049 || e.getErrorCode() == 1044;
  }

  @Override
  String statsQuery() {
    return "SELECT COALESCE(SUM(data_length + index_length), 0), "
        + "(SELECT COUNT(*) FROM information_schema.processlist) FROM information_schema.tables";
  }

  @Override
  public void rotatePassword(Endpoint endpoint, Credentials current, String newPassword) {
    String user = literal(current.username(), true);
    String password = literal(newPassword, true);
    execute(endpoint, current, "ALTER USER IF EXISTS " + user + "@'%' IDENTIFIED BY " + password
        + "; ALTER USER IF EXISTS " + user + "@'localhost' IDENTIFIED BY " + password, "changing the password");
  }

  @Override
  public DatabaseRuntime.Quiesced quiesce(Endpoint endpoint, Credentials credentials) {
    Connection connection;
    try {
      connection = connect(endpoint, credentials, Duration.ofSeconds(10));
    } catch (SQLException e) {
      throw new InfrastructureException("cannot connect to quiesce: " + e.getMessage(), e);
    }
    try (Statement s = connection.createStatement()) {
      s.execute("FLUSH TABLES WITH READ LOCK");
    } catch (SQLException e) {
      closeQuietly(connection);
      throw new InfrastructureException("FLUSH TABLES WITH READ LOCK failed: " + e.getMessage(), e);
    }
    return () -> {
      try (Statement s = connection.createStatement()) {
        s.execute("UNLOCK TABLES");
      } catch (SQLException e) {
        // closing the connection below releases the lock as well
      } finally {
        closeQuietly(connection);
      }
    };
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // nothing more to release
    }
  }
}
