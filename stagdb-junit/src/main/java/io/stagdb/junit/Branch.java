package io.stagdb.junit;

/**
 * A test's branch: how to connect to it. {@link #toString()} never shows the password.
 *
 * @param jdbcUrl in the engine's own scheme ({@code jdbc:postgresql:}, {@code jdbc:mariadb:},
 *                {@code jdbc:mysql:}); {@code null} for MongoDB, which has no JDBC
 */
public record Branch(String name, String source, String engine, String host, int port, String username, String password,
                     String database, String jdbcUrl) {

  @Override
  public String toString() {
    return "Branch[name=" + name + ", source=" + source + ", " + engine + " at " + host + ":" + port + "/" + database
        + " as " + username + "]";
  }

  static String jdbcUrl(String engine, String host, int port, String database) {
    return switch (engine) {
      case "postgresql" -> "jdbc:postgresql://" + host + ":" + port + "/" + database;
      case "mariadb" -> "jdbc:mariadb://" + host + ":" + port + "/" + database;
      case "mysql" -> "jdbc:mysql://" + host + ":" + port + "/" + database;
      default -> null;
    };
  }
}
