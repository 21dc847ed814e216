package io.stagdb.docker;

import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.model.Engine;
import io.stagdb.domain.model.EngineSettings;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.model.Resources;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How to run one engine version in a container, following its official image's contract
 * ({@code postgres}, {@code mysql}, {@code mariadb}, {@code mongo}): image, credential variables,
 * data directory, port, the uid owning the data, and server arguments tuned from the memory limit.
 */
record EngineProfile(EngineVersion engine, String image, String dataDir, int containerPort, int uid,
                     String stopSignal) {
  private static final long MIB = 1024L * 1024;

  /** The profile of an engine version with its official image, or {@code imageOverride} when set. */
  static EngineProfile of(EngineVersion engine, String imageOverride) {
    String version = engine.version();
    return switch (engine.engine()) {
      case POSTGRESQL -> new EngineProfile(engine, image(imageOverride, "postgres:" + version),
          "/var/lib/postgresql/data", 5432, 999, "SIGINT");
      case MYSQL -> new EngineProfile(engine, image(imageOverride, "mysql:" + version), "/var/lib/mysql", 3306, 999, "SIGTERM");
      case MARIADB -> new EngineProfile(engine, image(imageOverride, "mariadb:" + version), "/var/lib/mysql", 3306, 999, "SIGTERM");
      case MONGODB -> new EngineProfile(engine, image(imageOverride, "mongo:" + version), "/data/db", 27017, 999, "SIGTERM");
    };
  }

  private static String image(String override, String official) {
    return override == null || override.isBlank() ? official : override;
  }

  /** The configuration key that overrides this profile's image, e.g. {@code images.postgresql.15}. */
  String imageKey() {
    return "images." + engine.engine().id() + "." + engine.version();
  }

  /** The variables that make a fresh data directory with these credentials (user variables first, ours win). */
  List<String> environment(Credentials credentials, Map<String, String> userEnv) {
    Map<String, String> env = new LinkedHashMap<>(userEnv);
    switch (engine.engine()) {
      case POSTGRESQL -> {
        env.put("POSTGRES_USER", credentials.username());
        env.put("POSTGRES_PASSWORD", credentials.password());
        env.put("POSTGRES_DB", credentials.database());
      }
      case MYSQL, MARIADB -> {
        env.put("MYSQL_ROOT_PASSWORD", credentials.password());
        env.put("MYSQL_DATABASE", credentials.database());
      }
      case MONGODB -> {
        env.put("MONGO_INITDB_ROOT_USERNAME", credentials.username());
        env.put("MONGO_INITDB_ROOT_PASSWORD", credentials.password());
      }
    }
    List<String> list = new ArrayList<>();
    env.forEach((k, v) -> list.add(k + "=" + v));
    return list;
  }

  /**
   * The container command: the engine's server with settings sized from the memory limit
   * (PostgreSQL shared_buffers 25 %, effective_cache_size 50 %; InnoDB buffer pool 50 %;
   * WiredTiger cache 40 %), and for MongoDB optionally a one-member replica set.
   */
  List<String> command(Resources resources, boolean mongoReplicaSet, EngineSettings engineSettings) {
    List<String> command = new ArrayList<>(command(resources, mongoReplicaSet));
    // the user's settings after stagDB's own: a later one wins, so they may change the sizing too
    engineSettings.effectiveSettings().forEach((name, value) -> {
      switch (engine.engine()) {
        case POSTGRESQL -> command.addAll(List.of("-c", name + "=" + value));
        case MYSQL, MARIADB -> command.add("--" + name + "=" + value);
        case MONGODB -> throw new IllegalArgumentException("MongoDB takes no settings");
      }
    });
    return command;
  }

  /**
   * Why the engine refused to start because of a setting, from its last log lines: PostgreSQL's
   * "unrecognized configuration parameter", "invalid value for parameter" and the like, MySQL's and
   * MariaDB's "unknown variable". Empty when the log shows no such refusal.
   */
  static Optional<InvalidRequestException> settingRefused(String log) {
    for (Pattern p : REFUSED_SETTING) {
      Matcher m = p.matcher(log);
      if (m.find()) {
        String named = m.group("name");
        String name = named == null || named.isEmpty() ? "shared_preload_libraries" : named.replace('-', '_');
        return Optional.of(new InvalidRequestException("config.settings." + name,
            "the engine refused it: " + m.group().strip()));
      }
    }
    return Optional.empty();
  }

  private static final List<Pattern> REFUSED_SETTING = List.of(
      Pattern.compile("(?:FATAL|LOG|ERROR):\\s+[^\\n]*parameter \"(?<name>[a-z0-9_.]+)\"[^\\n]*"),
      // a preloaded library that is not there
      Pattern.compile("FATAL:\\s+could not access file \"[^\"]+\"(?<name>)?[^\\n]*"),
      Pattern.compile("unknown (?:variable|option) '(?:--)?(?<name>[a-z0-9_-]+)[^\\n]*"),
      Pattern.compile("Error while setting value '[^']*' to '(?<name>[a-z0-9_-]+)'[^\\n]*"));

  List<String> command(Resources resources, boolean mongoReplicaSet) {
    long memoryMib = resources.memoryBytes() / MIB;
    return switch (engine.engine()) {
      case POSTGRESQL -> {
        List<String> args = new ArrayList<>(List.of("postgres",
            "-c", "shared_buffers=" + Math.max(32, memoryMib / 4) + "MB",
            "-c", "effective_cache_size=" + Math.max(64, memoryMib / 2) + "MB",
            "-c", "max_connections=100"));
        if (majorVersion() >= 12) {
          // ZFS is copy-on-write: a WAL segment filled with zeros first, or an old one renamed for
          // reuse, is written twice for nothing (PostgreSQL's documentation advises both off on such
          // file systems; as durable). A test's first write then does not zero 16 MB on a fresh clone.
          args.addAll(List.of("-c", "wal_init_zero=off", "-c", "wal_recycle=off"));
        }
        if (majorVersion() >= 14) {
          // a clone starts with crash recovery: one syncfs() of the data directory instead of an fsync()
          // of every file in it (as durable; PostgreSQL 14+)
          args.addAll(List.of("-c", "recovery_init_sync_method=syncfs"));
        }
        yield args;
      }
      case MYSQL -> List.of("mysqld", "--innodb-buffer-pool-size=" + Math.max(64, memoryMib / 2) + "M",
          "--max-connections=150");
      case MARIADB -> List.of("mariadbd", "--innodb-buffer-pool-size=" + Math.max(64, memoryMib / 2) + "M",
          "--max-connections=150");
      case MONGODB -> {
        List<String> args = new ArrayList<>(List.of("mongod", "--bind_ip_all",
            "--wiredTigerCacheSizeGB", String.format(java.util.Locale.ROOT, "%.2f", Math.max(0.25, memoryMib * 0.4 / 1024))));
        if (mongoReplicaSet) {
          args.addAll(List.of("--replSet", MongoEngineClient.REPLICA_SET, "--keyFile", dataDir + "/" + MongoEngineClient.KEY_FILE));
        }
        yield args;
      }
    };
  }

  /** The engine's server binary, as the process list shows it. */
  String process() {
    return switch (engine.engine()) {
      case POSTGRESQL -> "postgres";
      case MYSQL -> "mysqld";
      case MARIADB -> "mariadbd";
      case MONGODB -> "mongod";
    };
  }

  private int majorVersion() {
    String v = engine.version();
    int dot = v.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? v : v.substring(0, dot));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  boolean isMongo() {
    return engine.engine() == Engine.MONGODB;
  }
}
