package io.stagdb.zfs;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.port.out.VolumeInfo;
import io.stagdb.domain.port.out.VolumeStore;
import io.stagdb.domain.port.out.VolumeIo;
import io.stagdb.domain.port.out.VolumeUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link VolumeStore} on ZFS.
 *
 * <p>Naming scheme (stable): under the configured dataset root {@code R} and mount directory
 * {@code M}, volume {@code v} is the filesystem {@code R/v} mounted at {@code M/v}, and snapshot
 * {@code s} of it is {@code R/v@s}. A branch is a ZFS clone {@code R/b} of {@code R/v@s}. Every
 * volume has {@code refquota} set from its storage limit. Nothing outside {@code R} is ever
 * changed: each name is checked to lie under it before any call. A grouped volume {@code g--s}
 * (see {@link VolumeStore}) is mounted at {@code M/g.group/g--s} instead.
 */
public final class ZfsVolumeStore implements VolumeStore {
  private static final Logger LOG = LoggerFactory.getLogger(ZfsVolumeStore.class);
  private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,127}");
  /** After a group's name, the directory its volumes are mounted in; not a volume name ({@code .}). */
  private static final String GROUP_DIRECTORY = ".group";
  private static final List<String> LIST_PROPERTIES = List.of("used", "referenced", "refquota", "origin");

  private final String root;
  private final Path mountDir;
  private final Zfs zfs;

  ZfsVolumeStore(String root, Path mountDir, Zfs zfs) {
    if (root == null || !root.matches("[A-Za-z0-9][A-Za-z0-9_.:-]*(/[A-Za-z0-9][A-Za-z0-9_.:-]*)+")) {
      throw new IllegalArgumentException("the ZFS dataset root must be a dataset below a pool, e.g. tank/stagdb (got '" + root + "')");
    }
    this.root = root;
    this.mountDir = mountDir.toAbsolutePath().normalize();
    this.zfs = zfs;
  }

  /**
   * A store under {@code root} (created if missing), mounting volumes below {@code mountDir},
   * talking to ZFS as {@code mode} says.
   */
  public static ZfsVolumeStore open(String root, Path mountDir, ZfsMode mode) {
    return open(root, mountDir, mode, "zfs");
  }

  /** As {@link #open(String, Path, ZfsMode)}, running {@code zfsCommand} (a path or a name on PATH) as the zfs command. */
  public static ZfsVolumeStore open(String root, Path mountDir, ZfsMode mode, String zfsCommand) {
    ZfsVolumeStore store = new ZfsVolumeStore(root, mountDir, ZfsBackends.select(mode, zfsCommand, Duration.ofSeconds(60)));
    store.ensureRoot();
    return store;
  }

  /** Creates the root dataset (not mounted: it only holds volumes) unless it exists. */
  void ensureRoot() {
    if (!zfs.exists(root)) {
      zfs.create(root, Map.of("mountpoint", "none"));
    }
  }

  /** How this store talks to ZFS: {@code libzfs_core} or {@code zfs command}. */
  public String backend() {
    return zfs instanceof ZfsNative ? "libzfs_core" : "zfs command";
  }

  public String root() {
    return root;
  }

  @Override
  public Path create(String volume, long quotaBytes) {
    return mounting(volume, () -> zfs.create(dataset(volume), volumeProperties(volume, quotaBytes)));
  }

  @Override
  public void snapshot(String volume, String snapshot) {
    zfs.snapshot(snapshotName(volume, snapshot));
  }

  @Override
  public Path clone(String sourceVolume, String snapshot, String targetVolume, long quotaBytes) {
    return mounting(targetVolume, () -> zfs.clone(snapshotName(sourceVolume, snapshot), dataset(targetVolume),
        volumeProperties(targetVolume, quotaBytes)));
  }

  @Override
  public void rollback(String volume, String snapshot) {
    mounting(volume, () -> zfs.rollback(snapshotName(volume, snapshot)));
  }

  @Override
  public void promote(String volume, String from) {
    String dataset = dataset(volume);
    String origin = dataset(from) + "@";
    VolumeIo.transition("promoting " + dataset, () -> {   // zfs-fuse may remount on the way
      String is = zfs.properties(dataset, false, List.of("origin")).get(0).value();
      if (!is.startsWith(origin)) {
        throw new ConflictException(ConflictException.Reason.INVALID_STATE, "not promoting " + dataset + ": it is a clone of "
            + is + ", not of a snapshot of " + dataset(from));
      }
      zfs.promote(dataset);
      return null;
    }, null);
  }

  /** Runs a command that (re)mounts {@code volume}, then has its mount answer a first request: see {@link VolumeIo}. */
  private Path mounting(String volume, Runnable command) {
    Path path = mountPath(volume);
    return VolumeIo.transition("mounting " + path, () -> {
      command.run();
      return path;
    }, () -> Files.isDirectory(path));
  }

  @Override
  public void destroy(String volume, boolean cascade) {
    String dataset = dataset(volume);
    List<String> before = cascade ? volumeNames() : List.of(volume);
    VolumeIo.transition("destroying " + dataset, () -> {
      zfs.destroy(dataset, cascade);
      return null;
    }, null);
    List<String> after = cascade ? volumeNames() : List.of();
    before.stream().filter(v -> !after.contains(v)).forEach(this::removeMountDirectory);
  }

  private List<String> volumeNames() {
    return list().stream().filter(i -> !i.isSnapshot()).map(VolumeInfo::volume).toList();
  }

  @Override
  public List<String> strayMountDirectories() {
    if (!Files.isDirectory(mountDir)) {
      return List.of();
    }
    List<String> volumes = volumeNames();
    List<String> stray = new ArrayList<>();
    try (var dirs = Files.list(mountDir)) {
      for (Path dir : (Iterable<Path>) dirs::iterator) {
        String name = dir.getFileName().toString();
        if (name.endsWith(GROUP_DIRECTORY) && Files.isDirectory(dir)) {
          try (var grouped = Files.list(dir)) {
            grouped.forEach(d -> addIfStray(d, volumes, stray));
          }
        } else {
          addIfStray(dir, volumes, stray);
        }
      }
    } catch (IOException e) {
      LOG.warn("could not look for stray mount directories in {}: {}", mountDir, e.getMessage());
    }
    return stray;
  }

  private static void addIfStray(Path dir, List<String> volumes, List<String> stray) {
    String name = dir.getFileName().toString();
    if (KEY.matcher(name).matches() && !volumes.contains(name) && Files.isDirectory(dir)
        && VolumeIo.within("looking into " + dir, () -> isEmpty(dir))) {
      stray.add(name);
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (var entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  /** ZFS leaves a destroyed filesystem's empty mount-point directory behind; remove it. */
  @Override
  public void removeMountDirectory(String volume) {
    Path path = mountPath(volume);
    try {
      Files.deleteIfExists(path);
      if (VolumeStore.groupOf(volume) != null && Files.isDirectory(path.getParent()) && isEmpty(path.getParent())) {
        Files.deleteIfExists(path.getParent());   // the group's last volume
      }
    } catch (IOException e) {
      LOG.warn("could not remove the mount directory of destroyed volume {}: {}", volume, e.getMessage());
    }
  }

  @Override
  public void destroySnapshot(String volume, String snapshot) {
    zfs.destroy(snapshotName(volume, snapshot), false);
  }

  @Override
  public boolean exists(String volume) {
    return zfs.exists(dataset(volume));
  }

  @Override
  public boolean snapshotExists(String volume, String snapshot) {
    return zfs.exists(snapshotName(volume, snapshot));
  }

  /** The root dataset's figures: what every volume under it uses, and what is still free for them. */
  public VolumeUsage rootUsage() {
    return usageOf(root);
  }

  @Override
  public VolumeUsage usage(String volume) {
    return usageOf(dataset(volume));
  }

  private VolumeUsage usageOf(String dataset) {
    Map<String, String> p = new HashMap<>();
    zfs.properties(dataset, false, List.of("used", "referenced", "refquota", "available"))
        .forEach(row -> p.put(row.property(), row.value()));
    return new VolumeUsage(bytes(p.get("used")), bytes(p.get("referenced")), bytes(p.get("refquota")),
        bytes(p.get("available")), written(dataset));
  }

  /** {@code written} exists in OpenZFS, not in zfs-fuse: {@code null} there. */
  private Long written(String dataset) {
    try {
      return bytes(zfs.properties(dataset, false, List.of("written")).get(0).value());
    } catch (io.stagdb.domain.error.InfrastructureException unsupported) {
      return null;
    }
  }

  @Override
  public List<VolumeInfo> list() {
    Map<String, Map<String, String>> byDataset = new LinkedHashMap<>();
    for (Zfs.PropertyRow row : zfs.properties(root, true, LIST_PROPERTIES)) {
      byDataset.computeIfAbsent(row.dataset(), k -> new HashMap<>()).put(row.property(), row.value());
    }
    List<VolumeInfo> result = new ArrayList<>();
    String prefix = root + "/";
    byDataset.forEach((name, p) -> {
      if (!name.startsWith(prefix) || name.substring(prefix.length()).contains("/")) {
        return;   // the root itself, or something nested we did not make
      }
      String local = name.substring(prefix.length());
      int at = local.indexOf('@');
      String volume = at < 0 ? local : local.substring(0, at);
      String snapshot = at < 0 ? null : local.substring(at + 1);
      String origin = p.getOrDefault("origin", "-");
      String originVolume = null;
      String originSnapshot = null;
      if (origin.startsWith(prefix) && origin.contains("@")) {
        originVolume = origin.substring(prefix.length(), origin.indexOf('@'));
        originSnapshot = origin.substring(origin.indexOf('@') + 1);
      }
      result.add(new VolumeInfo(volume, snapshot, originVolume, originSnapshot, bytes(p.get("used")),
          bytes(p.get("referenced")), bytes(p.get("refquota"))));
    });
    return result;
  }

  @Override
  public Path mount(String volume) {
    return mounting(volume, () -> zfs.mount(dataset(volume)));
  }

  @Override
  public Path mountPath(String volume) {
    String group = VolumeStore.groupOf(checkKey("volume", volume));
    return group == null ? mountDir.resolve(volume) : mountDir.resolve(group + GROUP_DIRECTORY).resolve(volume);
  }

  private Map<String, String> volumeProperties(String volume, long quotaBytes) {
    if (quotaBytes <= 0) {
      throw new InvalidRequestException("storage", "quota must be positive");
    }
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("refquota", Long.toString(quotaBytes));
    properties.put("mountpoint", mountPath(volume).toString());
    return properties;
  }

  /** The dataset of a volume; the key check keeps it a direct child of the root. */
  String dataset(String volume) {
    String name = root + "/" + checkKey("volume", volume);
    requireUnderRoot(name);
    return name;
  }

  private String snapshotName(String volume, String snapshot) {
    return dataset(volume) + "@" + checkKey("snapshot", snapshot);
  }

  private void requireUnderRoot(String name) {
    if (!name.startsWith(root + "/") || name.indexOf('/', root.length() + 1) >= 0) {
      throw new IllegalStateException("refusing to touch " + name + ": not directly under " + root);
    }
  }

  private static String checkKey(String what, String key) {
    if (key == null || !KEY.matcher(key).matches()) {
      throw new InvalidRequestException(what, "'" + key + "' is not a valid " + what
          + " name (lowercase letters, digits and '-', starting with a letter or digit)");
    }
    return key;
  }

  private static long bytes(String value) {
    if (value == null || value.equals("-") || value.equals("none")) {
      return 0;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new io.stagdb.domain.error.InfrastructureException("unexpected ZFS size '" + value + "'");
    }
  }

}
