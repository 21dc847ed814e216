package io.stagdb.docker;

import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.port.out.DatabaseRuntime;
import java.sql.SQLException;
import java.time.Duration;

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

  @Override
  public DatabaseRuntime.Quiesced quiesce(Endpoint endpoint, Credentials credentials) {
    execute(endpoint, credentials, "CHECKPOINT", "CHECKPOINT");
    return () -> { };
  }
}
