package io.stagdb.docker;

import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.port.out.DatabaseRuntime;
import io.stagdb.domain.port.out.VolumeIo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

  /**
   * The postmaster's status in {@code postmaster.pid} (its eighth line: {@code starting},
   * {@code ready}, ..., as {@code pg_ctl -w} reads it): not yet while the file is missing or says
   * anything but ready, in a data directory that is the engine's ({@code PG_VERSION} there: not
   * when {@code PGDATA} names a directory below it). A file left by an engine that was killed says
   * ready too early; the login then tells.
   */
  @Override
  public boolean saysNotYet(Path files) {
    Path pid = files.resolve("postmaster.pid");
    try {
      List<String> status = VolumeIo.within(Duration.ofSeconds(5), "reading " + pid, () -> {
        if (Files.exists(pid)) {
          return readLines(pid);
        }
        return Files.exists(files.resolve("PG_VERSION")) ? List.of("not started") : List.<String>of();
      });
      return !status.isEmpty() && !(status.size() >= 8 && status.get(7).strip().equals("ready"));
    } catch (InfrastructureException | UncheckedIOException e) {
      return false;   // cannot tell: the login will
    }
  }

  /** The file's lines; none when it is gone (the engine may be between two of its runs: cannot tell). */
  private static List<String> readLines(Path file) throws IOException {
    try {
      return Files.readAllLines(file);
    } catch (NoSuchFileException gone) {
      return List.of();
    }
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
