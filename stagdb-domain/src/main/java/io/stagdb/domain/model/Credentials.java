package io.stagdb.domain.model;

import java.util.Objects;

/** How to log in to a database. {@link #toString()} never shows the password. */
public record Credentials(String username, String password, String database) {

  public Credentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(database, "database");
  }

  public Credentials withPassword(String newPassword) {
    return new Credentials(username, newPassword, database);
  }

  @Override
  public String toString() {
    return "Credentials[username=" + username + ", password=***, database=" + database + "]";
  }
}
