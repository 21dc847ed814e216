package io.stagdb.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.model.Engine;
import io.stagdb.domain.model.ImportSource;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The command lines of a copy from a live source ({@link LiveCopy}): argument lists for the image's
 * own tools, never a shell, and never a password among the arguments (it goes into the exec's
 * environment, or into a mode-0600 file for MongoDB's tools).
 */
final class CopyCommands {
  private static final String PG_PROBE = "SELECT current_setting('server_version'), (SELECT count(*) FROM pg_class c "
      + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN "
      + "('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'), pg_database_size(current_database())";
  private static final String MYSQL_PROBE = "SELECT VERSION(), (SELECT COUNT(*) FROM information_schema.tables "
      + "WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'), (SELECT COALESCE(SUM(data_length + "
      + "index_length), 0) FROM information_schema.tables WHERE table_schema = DATABASE())";

  private CopyCommands() {
  }

  // ---- PostgreSQL ----

  static List<String> pgEnv(ImportSource source) {
    return List.of("PGPASSWORD=" + source.password(), "PGCONNECT_TIMEOUT=10");
  }

  static List<String> pgEnv(String password) {
    return List.of("PGPASSWORD=" + password);
  }

  private static List<String> pgSource(ImportSource s) {
    return List.of("-h", s.host(), "-p", Integer.toString(s.port()), "-U", s.user(), "-d", s.database());
  }

  static List<String> pgProbe(ImportSource source) {
    List<String> command = new ArrayList<>(List.of("psql", "-X", "-A", "-t", "-F", "|"));
    command.addAll(pgSource(source));
    command.addAll(List.of("-c", PG_PROBE));
    return command;
  }

  /** A dump in the directory format with {@code jobs} parallel workers, each table reported. */
  static List<String> pgDump(ImportSource source, String dir, int jobs) {
    List<String> command = new ArrayList<>(List.of("pg_dump"));
    command.addAll(pgSource(source));
    command.addAll(List.of("-Fd", "-j", Integer.toString(jobs), "-v", "-f", dir));
    return command;
  }

  /** Its restore with {@code jobs} workers, stopping at the first error; owners and grants are the target's own. */
  static List<String> pgRestore(Credentials into, String dir, int jobs) {
    return List.of("pg_restore", "-Fd", "-j", Integer.toString(jobs), "-v", "--exit-on-error", "--no-owner",
        "--no-privileges", "-h", "127.0.0.1", "-U", into.username(), "-d", into.database(), dir);
  }

  // ---- MySQL and MariaDB ----

  static List<String> mysqlEnv(String password) {
    return List.of("MYSQL_PWD=" + password);
  }

  private static String client(Engine target) {
    return target == Engine.MARIADB ? "mariadb" : "mysql";
  }

  private static List<String> mysqlSource(ImportSource s) {
    // TCP always: a source named localhost would otherwise be looked for on the container's own socket
    return List.of("-h", s.host(), "-P", Integer.toString(s.port()), "-u", s.user(), "--protocol=TCP");
  }

  static List<String> mysqlProbe(Engine target, ImportSource source) {
    List<String> command = new ArrayList<>(List.of(client(target)));
    command.addAll(mysqlSource(source));
    command.addAll(List.of("--connect-timeout=10", "-N", "-B", "-e", MYSQL_PROBE, source.database()));
    return command;
  }

  /** One consistent dump (a single transaction) with routines and triggers, written into {@code pipe}. */
  static List<String> mysqlDump(Engine target, ImportSource source, String pipe) {
    List<String> command = new ArrayList<>(List.of(target == Engine.MARIADB ? "mariadb-dump" : "mysqldump"));
    command.addAll(mysqlSource(source));
    command.addAll(List.of("--single-transaction", "--routines", "--triggers", "--verbose"));
    if (target == Engine.MYSQL) {
      command.add("--set-gtid-purged=OFF");   // the target is no replica of the source
    }
    command.addAll(List.of("--result-file=" + pipe, source.database()));
    return command;
  }

  /** The client reading the dump from {@code pipe} by its own {@code source} command, stopping at the first error. */
  static List<String> mysqlRestore(Engine target, Credentials into, String pipe) {
    List<String> command = new ArrayList<>(List.of(client(target)));
    if (target == Engine.MARIADB) {
      command.add("--abort-source-on-error");
    }
    command.addAll(List.of("-h", "127.0.0.1", "-u", into.username(), "--protocol=TCP", into.database(),
        "-e", "source " + pipe));
    return command;
  }

  // ---- MongoDB (not run on this project's hosts: no MongoDB image runs here) ----

  /**
   * Writes a tool configuration ({@code uri: '…'}, password included) into the container's engine
   * files, mode 0600 and owned as those files are; for the source, or with {@code into} for the target.
   */
  static Path mongoConfig(InspectContainerResponse container, ImportSource source, Credentials into) {
    Path files = Inspections.filesOf(container);
    if (files == null) {
      throw new InfrastructureException("an import works only for a database whose files are on this host");
    }
    Path file = files.resolve(".stagdb-import-" + UUID.randomUUID() + ".yaml");
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, mongoConfigText(source, into));
      Object uid = Files.getAttribute(files, "unix:uid");
      Files.setAttribute(file, "unix:uid", uid);
    } catch (IOException | UnsupportedOperationException e) {
      throw new InfrastructureException("cannot write the import's tool configuration: " + e.getMessage(), e);
    }
    return file;
  }

  static String mongoConfigText(ImportSource source, Credentials into) {
    String uri = source != null
        ? "mongodb://" + encode(source.user()) + ":" + encode(source.password()) + "@" + source.host() + ":"
            + source.port() + "/" + encode(source.database())
        : "mongodb://" + encode(into.username()) + ":" + encode(into.password()) + "@127.0.0.1:27017/?authSource=admin";
    return "uri: '" + uri.replace("'", "''") + "'\n";
  }

  /** The version, the collections (databases, when {@code all} are copied) and the data size, {@code |}-separated. */
  static List<String> mongoProbe(String configInside, boolean all) {
    String script = "const m = require('fs').readFileSync('" + configInside + "', 'utf8').match(/uri: '(.*)'/);"
        + "const d = connect(m[1].replace(/''/g, \"'\"));"
        + (all
            ? "const l = d.adminCommand({listDatabases: 1}); print(d.version() + '|' + l.databases.length + '|' + l.totalSize);"
            : "print(d.version() + '|' + d.getCollectionNames().length + '|' + d.stats().dataSize);");
    return List.of("mongosh", "--quiet", "--nodb", "--eval", script);
  }

  static List<String> mongoDump(String configInside, String pipe) {
    return List.of("mongodump", "--config=" + configInside, "--archive=" + pipe);
  }

  static List<String> mongoRestore(String configInside, String pipe) {
    return List.of("mongorestore", "--config=" + configInside, "--archive=" + pipe);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
