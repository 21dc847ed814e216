package io.stagdb.junit;

import io.stagdb.domain.model.ResourceRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;

/**
 * Migrates a branch of a source once with Flyway and snapshots the result as {@code mig-<hash>},
 * keyed by a hash of the migration files and the source; later runs find the snapshot and do not
 * migrate again until the migrations change. The migrated branch ({@code jm-<hash>}) is kept,
 * stopped, as the snapshot's owner; an older cache of the same source is removed.
 */
final class Migrations {
  static final String SOURCE_LABEL = "stagdb-junit.source";

  private Migrations() {
  }

  /** The name of the snapshot to branch tests from, migrating and caching it if needed. */
  static String prepare(Backend backend, String source, boolean sourceIsSnapshot, String[] locations) {
    requireFlyway();
    String hash = hash(source, locations);
    String snapshot = "mig-" + hash;
    if (backend.snapshotExists(snapshot)) {
      return snapshot;   // cached by an earlier run
    }
    String owner = "jm-" + hash;
    backend.delete(owner, true);   // half-made by a run that died
    Branch branch = backend.branch(source, sourceIsSnapshot, owner, ResourceRequest.DEFAULTS, null,
        Map.of(SOURCE_LABEL, source), false);
    if (branch.jdbcUrl() == null) {
      throw new IllegalStateException("migrations need a JDBC engine; " + source + " is " + branch.engine());
    }
    // the source has data of its own: baseline it at version 0, then apply every migration
    Flyway.configure().dataSource(branch.jdbcUrl(), branch.username(), branch.password()).locations(locations)
        .baselineOnMigrate(true).baselineVersion("0").load().migrate();
    backend.snapshot(owner, snapshot);
    backend.stop(owner);
    for (String stale : backend.databasesLabelled(SOURCE_LABEL, source)) {
      if (!stale.equals(owner)) {
        try {
          backend.delete(stale, false);   // refused while another run's branches still use it
        } catch (RuntimeException inUse) {
          // left for a later run
        }
      }
    }
    return snapshot;
  }

  /** Flyway is for {@code migrations} only, so stagdb-junit does not bring it: the user's build adds it. */
  private static void requireFlyway() {
    try {
      Class.forName("org.flywaydb.core.Flyway", false, Migrations.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new Session.Misconfigured("@StagDbBranch(migrations = ...) runs Flyway, which is not on the test class path;"
          + " add org.flywaydb:flyway-core (and flyway-database-postgresql or flyway-mysql) with <scope>test</scope>");
    }
  }

  /** SHA-256 over the source's name and every migration file's path and content, sorted. */
  static String hash(String source, String[] locations) {
    Map<String, byte[]> files = new TreeMap<>();
    for (String location : locations) {
      files.putAll(read(location));
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no migration files found in " + String.join(", ", locations));
    }
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(source.getBytes(StandardCharsets.UTF_8));
      files.forEach((name, content) -> {
        digest.update((name + "\0").getBytes(StandardCharsets.UTF_8));
        digest.update(content);
      });
      return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The files of a Flyway location: {@code classpath:db/migration} or {@code filesystem:/path}. */
  private static Map<String, byte[]> read(String location) {
    Map<String, byte[]> files = new TreeMap<>();
    try {
      if (location.startsWith("filesystem:")) {
        readDirectory(Path.of(location.substring("filesystem:".length())), location, files);
        return files;
      }
      String given = location.startsWith("classpath:") ? location.substring("classpath:".length()) : location;
      String path = given.startsWith("/") ? given.substring(1) : given;
      Enumeration<URL> roots = Thread.currentThread().getContextClassLoader().getResources(path);
      while (roots.hasMoreElements()) {
        URL root = roots.nextElement();
        if (root.getProtocol().equals("file")) {
          readDirectory(Path.of(root.toURI()), location, files);
        } else if (root.getProtocol().equals("jar")) {
          JarURLConnection connection = (JarURLConnection) root.openConnection();
          try (JarFile jar = connection.getJarFile()) {
            List<JarEntry> entries = new ArrayList<>();
            jar.stream().filter(e -> !e.isDirectory() && e.getName().startsWith(path + "/")).forEach(entries::add);
            for (JarEntry entry : entries) {
              try (InputStream in = jar.getInputStream(entry)) {
                files.put(location + "/" + entry.getName().substring(path.length() + 1), in.readAllBytes());
              }
            }
          }
        }
      }
      return files;
    } catch (IOException | java.net.URISyntaxException e) {
      throw new IllegalStateException("cannot read migrations at " + location + ": " + e.getMessage(), e);
    }
  }

  private static void readDirectory(Path dir, String location, Map<String, byte[]> files) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.filter(Files::isRegularFile).forEach(p -> {
        try {
          files.put(location + "/" + dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
