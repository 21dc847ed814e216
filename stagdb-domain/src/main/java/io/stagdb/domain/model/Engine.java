package io.stagdb.domain.model;

import io.stagdb.domain.error.InvalidRequestException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A database engine stagDB can run, with its supported versions, aliases and connection defaults. */
public enum Engine {
  POSTGRESQL("postgresql", List.of("postgresql", "postgres", "pg", "pgsql"),
      List.of("12", "13", "14", "15", "16"), "postgres", "postgres"),
  MYSQL("mysql", List.of("mysql"), List.of("5.7", "8.0", "8.1"), "root", "stagdb"),
  MARIADB("mariadb", List.of("mariadb", "maria"), List.of("10.11", "11.4"), "root", "stagdb"),
  MONGODB("mongodb", List.of("mongodb", "mongo"), List.of("5.0", "6.0", "7.0"), "root", "admin");

  private final String id;
  private final List<String> aliases;
  private final List<String> versions;
  private final String defaultUser;
  private final String defaultDatabase;

  Engine(String id, List<String> aliases, List<String> versions, String defaultUser, String defaultDatabase) {
    this.id = id;
    this.aliases = aliases;
    this.versions = versions;
    this.defaultUser = defaultUser;
    this.defaultDatabase = defaultDatabase;
  }

  /** The canonical name used in the API, e.g. {@code postgresql}. */
  public String id() {
    return id;
  }

  public List<String> versions() {
    return versions;
  }

  /** The newest supported version, used when a request names none. */
  public String latestVersion() {
    return versions.get(versions.size() - 1);
  }

  public String defaultUser() {
    return defaultUser;
  }

  public String defaultDatabase() {
    return defaultDatabase;
  }

  /** Finds an engine by name or alias, case-insensitively; the error lists what is supported. */
  public static Engine parse(String field, String name) {
    if (name != null) {
      String key = name.trim().toLowerCase(Locale.ROOT);
      for (Engine engine : values()) {
        if (engine.aliases.contains(key)) {
          return engine;
        }
      }
    }
    throw new InvalidRequestException(field, "unknown engine" + (name == null ? "" : " '" + Text.shorten(name) + "'")
        + "; supported: " + supported());
  }

  /** Every engine with its versions, e.g. {@code postgresql 12|13|14|15|16, mysql 5.7|8.0|8.1, ...}. */
  public static String supported() {
    return Arrays.stream(values()).map(e -> e.id + " " + String.join("|", e.versions))
        .collect(Collectors.joining(", "));
  }
}
