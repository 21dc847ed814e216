package io.stagdb.server;

import io.stagdb.domain.testkit.TestHost;
import io.stagdb.server.catalog.SqliteCatalog;
import io.stagdb.server.catalog.SqliteDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Whether a server's catalog and the host agree one to one: ZFS filesystems (current volumes, and
 * earlier ones holding snapshots), ZFS snapshots (recycle points aside), mount directories,
 * containers, their control directories and published ports, for every database the catalog holds
 * (standbys included).
 */
final class HostAgreement {
  private HostAgreement() {
  }

  /** The disagreements found, each starting with {@code when}. */
  static List<String> check(String purpose, String containerPrefix, String when) throws IOException {
    List<String> problems = new ArrayList<>();
    Set<String> names = new TreeSet<>();
    Set<String> ids = new TreeSet<>();
    Set<String> ownedVolumes = new TreeSet<>();
    Set<String> cataloguedSnapshots = new TreeSet<>();
    Set<Integer> ports = new TreeSet<>();
    int databases;
    try (SqliteDatabase file = SqliteDatabase.open(TestHost.mountDirFor(purpose).resolve("catalog.db"))) {
      SqliteCatalog catalog = new SqliteCatalog(file);
      var all = catalog.databases();
      databases = all.size();
      all.forEach(d -> {
        names.add(containerPrefix + d.name().value());
        ids.add(d.id().value());
        ownedVolumes.add(d.volume());
        ports.add(d.port());
      });
      catalog.snapshots().forEach(s -> {
        ownedVolumes.add(s.volume());
        cataloguedSnapshots.add(s.volume() + "@" + s.id().value());
      });
    }
    String root = TestHost.datasetFor(purpose);
    List<String> filesystems = TestServers.volumes(purpose);
    // a recyclable branch may have its spare volume ready beside its current one (nothing else of its group)
    Set<String> found = new TreeSet<>(filesystems);
    ownedVolumes.stream().map(HostAgreement::spareOf).filter(s -> s != null).forEach(found::remove);
    expectEqual(problems, when, "filesystems (current volumes, and earlier ones holding snapshots; spares aside)",
        ownedVolumes, found);
    Set<String> zfsSnapshots = TestHost.exec(List.of("zfs", "list", "-H", "-o", "name", "-t", "snapshot", "-r", root))
        .lines().stream().map(n -> n.substring(root.length() + 1)).filter(n -> !n.endsWith("@recycle-point"))
        .collect(Collectors.toCollection(TreeSet::new));
    expectEqual(problems, when, "ZFS snapshots", cataloguedSnapshots, zfsSnapshots);
    Path mounts = TestHost.mountDirFor(purpose).resolve("mounts");
    if (Files.isDirectory(mounts)) {
      try (var entries = Files.list(mounts)) {
        Set<String> dirs = new TreeSet<>();
        for (Path entry : (Iterable<Path>) entries::iterator) {
          if (entry.getFileName().toString().endsWith(".group")) {   // a group's volumes, side by side
            try (var grouped = Files.list(entry)) {
              grouped.forEach(g -> dirs.add(g.getFileName().toString()));
            }
          } else {
            dirs.add(entry.getFileName().toString());
          }
        }
        expectEqual(problems, when, "mount directories", new TreeSet<>(filesystems), dirs);
      }
    }
    expectEqual(problems, when, "containers", names, new TreeSet<>(TestServers.containers(purpose)));
    Path control = TestHost.mountDirFor(purpose).resolve("control");
    if (Files.isDirectory(control)) {   // the supervisor's control directories: each of a container of the catalog
      try (var entries = Files.list(control)) {
        Set<String> stray = entries.map(p -> p.getFileName().toString()).filter(id -> !ids.contains(id))
            .collect(Collectors.toCollection(TreeSet::new));
        if (!stray.isEmpty()) {
          problems.add(when + ": control directories of no database: " + stray);
        }
      }
    }
    if (ports.size() != databases) {
      problems.add(when + ": two databases share a port");
    }
    Set<Integer> published = new TreeSet<>();
    for (String line : TestHost.exec(List.of("docker", "ps", "-a", "--format", "{{.Ports}}", "--filter",
        "label=io.stagdb.root=" + root)).lines()) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile(":(\\d+)->").matcher(line);
      while (m.find()) {
        published.add(Integer.parseInt(m.group(1)));
      }
    }
    expectEqual(problems, when, "published ports", ports, published);
    return problems;
  }

  /** The spare beside a grouped volume {@code <id>--<n>}: {@code <id>--<n+1>}, as the domain names it. */
  private static String spareOf(String volume) {
    int at = volume.indexOf("--");
    return at < 0 ? null : volume.substring(0, at + 2) + (Long.parseLong(volume.substring(at + 2)) + 1);
  }

  static <T> void expectEqual(List<String> problems, String when, String what, Set<T> expected, Set<T> actual) {
    if (!expected.equals(actual)) {
      problems.add(when + ": " + what + " expected " + expected + " but found " + actual);
    }
  }
}
