package io.stagdb.docker;

import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.port.out.DatabaseRuntime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** PostgreSQL over JDBC; quiescing is a {@code CHECKPOINT}, after which a snapshot starts fast. */
final class PostgresEngineClient extends JdbcEngineClient {

  @Override
  String url(Endpoint endpoint, Credentials credentials, Duration timeout) {
    return "jdbc:postgresql://" + endpoint.host() + ":" + endpoint.port() + "/" + credentials.database()
        + "?connectTimeout=" + seconds(timeout) + "&loginTimeout=" + seconds(timeout) + "&socketTimeout=300"
        + "&ApplicationName=stagdb";
  }

  @Override
  boolean isRefusal(SQLException e) {
    String state = e.getSQLState();
    // 28P01 invalid_password, 28000 invalid_authorization_specification, 3D000 no such database
    return "28P01".equals(state) || "28000".equals(state) || "3D000".equals(state);
  }

  @Override
  String statsQuery() {
    return "SELECT sum(pg_database_size(datname)), (SELECT count(*) FROM pg_stat_activity WHERE backend_type = "
        + "'client backend') FROM pg_database";
  }

  @Override
  public void rotatePassword(Endpoint endpoint, Credentials current, String newPassword) {
    execute(endpoint, current, "ALTER ROLE \"" + current.username().replace("\"", "\"\"") + "\" WITH PASSWORD "
        + literal(newPassword, false), "changing the password");
  }

  /**
   * Checks every extension against what the image offers ({@code pg_available_extensions}), then
   * creates each (with what it needs, {@code CASCADE}) in the database.
   */
  @Override
  public void createExtensions(Endpoint endpoint, Credentials credentials, List<String> extensions) {
    if (extensions.isEmpty()) {
      return;
    }
    try (Connection c = connect(endpoint, credentials, Duration.ofSeconds(10)); Statement s = c.createStatement()) {
      Set<String> offered = new TreeSet<>();
      try (ResultSet rs = s.executeQuery("SELECT name FROM pg_available_extensions")) {
        while (rs.next()) {
          offered.add(rs.getString(1));
        }
      }
      List<String> missing = extensions.stream().filter(e -> !offered.contains(e)).toList();
      if (!missing.isEmpty()) {
        throw new InvalidRequestException("config.extensions", "not offered by this PostgreSQL image: "
            + String.join(", ", missing) + " (it offers " + offered.size() + ": " + String.join(", ", offered) + ")");
      }
      for (String extension : extensions) {
        try {
          s.execute("CREATE EXTENSION IF NOT EXISTS \"" + extension.replace("\"", "\"\"") + "\" CASCADE");
        } catch (SQLException e) {
          throw new InvalidRequestException("config.extensions", "CREATE EXTENSION " + extension + " failed: " + e.getMessage());
        }
      }
    } catch (SQLException e) {
      throw new InfrastructureException("cannot create extensions: " + e.getMessage(), e);
    }
  }

  @Override
  public DatabaseRuntime.Quiesced quiesce(Endpoint endpoint, Credentials credentials) {
    execute(endpoint, credentials, "CHECKPOINT", "CHECKPOINT");
    return () -> { };
  }
}
