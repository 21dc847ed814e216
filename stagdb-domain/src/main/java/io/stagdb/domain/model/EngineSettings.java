package io.stagdb.domain.model;

import io.stagdb.domain.error.InvalidRequestException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A database's engine configuration beyond its resources, inherited by its branches: PostgreSQL
 * extensions to create ({@code config.extensions}) and engine settings ({@code config.settings}:
 * {@code postgresql.conf} parameters, or MySQL/MariaDB server variables). The engine itself judges
 * a setting's value when it starts; what is checked here is the shape, and that no setting takes
 * over what stagDB runs the engine with (its port, address and data directory).
 */
public record EngineSettings(List<String> extensions, Map<String, String> settings) {
  public static final EngineSettings NONE = new EngineSettings(List.of(), Map.of());

  /** Extensions whose library must be in {@code shared_preload_libraries} before they can be created. */
  public static final Set<String> PRELOADED = Set.of("pg_stat_statements", "pg_cron", "pgaudit", "pg_wait_sampling",
      "timescaledb", "pg_squeeze");
  private static final Pattern EXTENSION = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
  private static final Pattern SETTING = Pattern.compile("[a-z][a-z0-9_]{0,62}(\\.[a-z][a-z0-9_]{0,62})?");
  private static final int MAX_VALUE = 1024;
  private static final int MAX_SETTINGS = 100;
  private static final Set<String> POSTGRES_RESERVED = Set.of("port", "listen_addresses", "data_directory", "config_file",
      "hba_file", "ident_file", "unix_socket_directories", "external_pid_file");
  private static final Set<String> MYSQL_RESERVED = Set.of("port", "bind_address", "datadir", "socket", "skip_networking",
      "user", "pid_file", "basedir", "defaults_file", "init_file");

  public EngineSettings {
    extensions = extensions == null ? List.of() : List.copyOf(new LinkedHashSet<>(extensions));
    settings = settings == null ? Map.of() : Map.copyOf(settings);
  }

  /** Checks a request's extensions and settings for an engine; field names as the API has them. */
  public static EngineSettings of(Engine engine, List<String> extensions, Map<String, String> settings) {
    if (extensions != null && !extensions.isEmpty()) {
      if (engine != Engine.POSTGRESQL) {
        throw new InvalidRequestException("config.extensions", "extensions are PostgreSQL's; " + engine.id() + " has none");
      }
      for (String e : extensions) {
        if (e == null || !EXTENSION.matcher(e).matches()) {
          throw new InvalidRequestException("config.extensions", "'" + Text.shorten(String.valueOf(e))
              + "' is not an extension name (lower case letters, digits, _ and -)");
        }
      }
    }
    Map<String, String> checked = new LinkedHashMap<>();
    if (settings != null) {
      if (engine == Engine.MONGODB && !settings.isEmpty()) {
        throw new InvalidRequestException("config.settings", "settings are for PostgreSQL, MySQL and MariaDB");
      }
      if (settings.size() > MAX_SETTINGS) {
        throw new InvalidRequestException("config.settings", "at most " + MAX_SETTINGS + " settings");
      }
      boolean mysql = engine == Engine.MYSQL || engine == Engine.MARIADB;
      settings.forEach((rawName, value) -> {
        String name = mysql ? rawName.replace('-', '_') : rawName;
        String field = "config.settings." + Text.shorten(rawName);
        if (!SETTING.matcher(name).matches()) {
          throw new InvalidRequestException(field, "'" + Text.shorten(rawName) + "' is not a setting name");
        }
        if ((mysql ? MYSQL_RESERVED : POSTGRES_RESERVED).contains(name)) {
          throw new InvalidRequestException(field, name + " is set by stagDB (the container's port, address and data)");
        }
        if (value == null || value.length() > MAX_VALUE || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
          throw new InvalidRequestException(field, "a value of at most " + MAX_VALUE + " characters, without control characters");
        }
        checked.put(name, value);
      });
    }
    return new EngineSettings(extensions, checked);
  }

  /**
   * The settings the engine runs with: the requested ones, and for PostgreSQL the libraries of
   * extensions that must be preloaded, added to any {@code shared_preload_libraries} asked for.
   */
  public Map<String, String> effectiveSettings() {
    Map<String, String> all = new LinkedHashMap<>(new java.util.TreeMap<>(settings));
    List<String> preload = new ArrayList<>();
    String asked = settings.get("shared_preload_libraries");
    if (asked != null) {
      for (String library : asked.split(",")) {
        if (!library.isBlank()) {
          preload.add(library.strip());
        }
      }
    }
    extensions.stream().filter(PRELOADED::contains).filter(e -> !preload.contains(e)).forEach(preload::add);
    if (!preload.isEmpty()) {
      all.put("shared_preload_libraries", String.join(",", preload));
    }
    return all;
  }

  public boolean isEmpty() {
    return extensions.isEmpty() && settings.isEmpty();
  }
}
