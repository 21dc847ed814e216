package io.stagdb.domain.testkit;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.port.out.VolumeInfo;
import io.stagdb.domain.port.out.VolumeStore;
import io.stagdb.domain.port.out.VolumeUsage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A volume store for domain tests. Its state is in memory; mount paths are plain directories under
 * a base directory, and snapshots and clones copy them, so tests can check what data a clone sees.
 */
public final class InMemoryVolumeStore implements VolumeStore {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,127}");

  private final Path base;
  private final Faults faults;
  private final Map<String, Volume> volumes = new LinkedHashMap<>();

  private static final class Volume {
    final long quota;
    String originVolume;
    String originSnapshot;
    final Map<String, Path> snapshots = new LinkedHashMap<>();

    Volume(long quota, String originVolume, String originSnapshot) {
      this.quota = quota;
      this.originVolume = originVolume;
      this.originSnapshot = originSnapshot;
    }
  }

  public InMemoryVolumeStore(Path base, Faults faults) {
    this.base = base;
    this.faults = faults;
  }

  @Override
  public synchronized Path create(String volume, long quotaBytes) {
    faults.check("volumes.create");
    checkName("volume", volume);
    if (volumes.containsKey(volume)) {
      throw ConflictException.alreadyExists("volume", volume);
    }
    mkdirs(mountPath(volume));
    volumes.put(volume, new Volume(quotaBytes, null, null));
    return mountPath(volume);
  }

  @Override
  public synchronized void snapshot(String volume, String snapshot) {
    faults.check("volumes.snapshot");
    checkName("snapshot", snapshot);
    Volume v = require(volume);
    if (v.snapshots.containsKey(snapshot)) {
      throw ConflictException.alreadyExists("snapshot", volume + "@" + snapshot);
    }
    Path copy = base.resolve(".snapshots").resolve(volume + "@" + snapshot);
    copyTree(mountPath(volume), copy);
    v.snapshots.put(snapshot, copy);
  }

  @Override
  public synchronized Path clone(String sourceVolume, String snapshot, String targetVolume, long quotaBytes) {
    faults.check("volumes.clone");
    checkName("volume", targetVolume);
    Path source = requireSnapshot(sourceVolume, snapshot);
    if (volumes.containsKey(targetVolume)) {
      throw ConflictException.alreadyExists("volume", targetVolume);
    }
    copyTree(source, mountPath(targetVolume));
    volumes.put(targetVolume, new Volume(quotaBytes, sourceVolume, snapshot));
    if (failAfterClone) {
      failAfterClone = false;
      throw new InfrastructureException("injected failure after the clone of " + targetVolume + " was made");
    }
    return mountPath(targetVolume);
  }

  private boolean failAfterClone;

  /** The next clone is made, then fails (as a store whose mount fails after the dataset exists). */
  public synchronized void failAfterNextClone() {
    failAfterClone = true;
  }

  @Override
  public synchronized void rollback(String volume, String snapshot) {
    faults.check("volumes.rollback");
    Path source = requireSnapshot(volume, snapshot);
    Volume v = volumes.get(volume);
    List<String> names = new ArrayList<>(v.snapshots.keySet());
    for (String later : names.subList(names.indexOf(snapshot) + 1, names.size())) {
      if (!clonesOf(volume, later).isEmpty()) {
        throw new ConflictException(ConflictException.Reason.HAS_DEPENDENTS,
            "cannot roll back " + volume + ": later snapshot " + later + " has clones", clonesOf(volume, later), null);
      }
    }
    for (String later : names.subList(names.indexOf(snapshot) + 1, names.size())) {
      deleteTree(v.snapshots.remove(later));
    }
    deleteTree(mountPath(volume));
    copyTree(source, mountPath(volume));
  }

  @Override
  public synchronized void promote(String volume, String from) {
    faults.check("volumes.promote");
    Volume clone = require(volume);
    if (!from.equals(clone.originVolume)) {
      throw new ConflictException(ConflictException.Reason.INVALID_STATE, volume + " is not a clone of " + from);
    }
    String originName = clone.originVolume;
    Volume origin = volumes.get(originName);
    List<String> names = new ArrayList<>(origin.snapshots.keySet());
    Map<String, Path> moved = new LinkedHashMap<>();
    for (String s : names.subList(0, names.indexOf(clone.originSnapshot) + 1)) {
      moved.put(s, origin.snapshots.remove(s));
      volumes.values().stream().filter(v -> originName.equals(v.originVolume) && s.equals(v.originSnapshot))
          .forEach(v -> v.originVolume = volume);
    }
    moved.putAll(clone.snapshots);
    clone.snapshots.clear();
    clone.snapshots.putAll(moved);
    String pointOfSplit = clone.originSnapshot;
    clone.originVolume = origin.originVolume;
    clone.originSnapshot = origin.originSnapshot;
    origin.originVolume = volume;
    origin.originSnapshot = pointOfSplit;
  }

  @Override
  public synchronized void destroy(String volume, boolean cascade) {
    faults.check("volumes.destroy");
    Volume v = require(volume);
    List<String> dependents = new ArrayList<>();
    v.snapshots.keySet().forEach(s -> dependents.addAll(clonesOf(volume, s)));
    if (!dependents.isEmpty()) {
      if (!cascade) {
        throw new ConflictException(ConflictException.Reason.HAS_DEPENDENTS,
            "volume " + volume + " has clones: " + dependents, dependents, null);
      }
      for (String clone : dependents) {
        destroy(clone, true);
      }
    }
    v.snapshots.values().forEach(InMemoryVolumeStore::deleteTree);
    deleteTree(mountPath(volume));
    volumes.remove(volume);
    Path group = mountPath(volume).getParent();
    if (VolumeStore.groupOf(volume) != null && volumes.keySet().stream().noneMatch(o -> mountPath(o).startsWith(group))) {
      deleteTree(group);
    }
  }

  @Override
  public synchronized void destroySnapshot(String volume, String snapshot) {
    faults.check("volumes.destroySnapshot");
    Path copy = requireSnapshot(volume, snapshot);
    List<String> clones = clonesOf(volume, snapshot);
    if (!clones.isEmpty()) {
      throw new ConflictException(ConflictException.Reason.HAS_DEPENDENTS,
          "snapshot " + volume + "@" + snapshot + " has clones: " + clones, clones, null);
    }
    deleteTree(copy);
    volumes.get(volume).snapshots.remove(snapshot);
  }

  @Override
  public synchronized boolean exists(String volume) {
    faults.check("volumes.exists");
    return volumes.containsKey(volume);
  }

  @Override
  public synchronized boolean snapshotExists(String volume, String snapshot) {
    faults.check("volumes.snapshotExists");
    Volume v = volumes.get(volume);
    return v != null && v.snapshots.containsKey(snapshot);
  }

  @Override
  public synchronized VolumeUsage usage(String volume) {
    faults.check("volumes.usage");
    Volume v = require(volume);
    long size = size(mountPath(volume));
    return new VolumeUsage(size, size, v.quota, Math.max(0, v.quota - size), v.originVolume == null ? size : 0);
  }

  @Override
  public synchronized List<VolumeInfo> list() {
    faults.check("volumes.list");
    List<VolumeInfo> result = new ArrayList<>();
    volumes.forEach((name, v) -> {
      long size = size(mountPath(name));
      result.add(new VolumeInfo(name, null, v.originVolume, v.originSnapshot, size, size, v.quota));
      v.snapshots.keySet().forEach(s -> result.add(new VolumeInfo(name, s, null, null, 0, size, 0)));
    });
    return result;
  }

  @Override
  public Path mountPath(String volume) {
    checkName("volume", volume);
    String group = VolumeStore.groupOf(volume);
    return group == null ? base.resolve(volume) : base.resolve(group + ".group").resolve(volume);
  }

  @Override
  public synchronized Path mount(String volume) {
    faults.check("volumes.mount");
    require(volume);
    Path hidden = unmountedPath(volume);
    if (Files.exists(hidden)) {
      move(hidden, mountPath(volume));
    }
    return mountPath(volume);
  }

  /**
   * What a host reboot or a restarted ZFS daemon does to a volume: its mount path becomes an empty
   * directory, the data out of sight until {@link #mount}.
   */
  public synchronized void unmount(String volume) {
    require(volume);
    move(mountPath(volume), unmountedPath(volume));
    mkdirs(mountPath(volume));
  }

  /** Outside the volume-name space ({@code [a-z0-9]...}), so never a volume's own directory. */
  private Path unmountedPath(String volume) {
    return base.resolve(".unmounted").resolve(volume);
  }

  private static void move(Path from, Path to) {
    try {
      Files.createDirectories(to.getParent());
      deleteTree(to);
      Files.move(from, to);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Volume require(String volume) {
    checkName("volume", volume);
    Volume v = volumes.get(volume);
    if (v == null) {
      throw new NotFoundException("volume", volume);
    }
    return v;
  }

  private Path requireSnapshot(String volume, String snapshot) {
    checkName("snapshot", snapshot);
    Path copy = require(volume).snapshots.get(snapshot);
    if (copy == null) {
      throw new NotFoundException("snapshot", volume + "@" + snapshot);
    }
    return copy;
  }

  private List<String> clonesOf(String volume, String snapshot) {
    return volumes.entrySet().stream()
        .filter(e -> volume.equals(e.getValue().originVolume) && snapshot.equals(e.getValue().originSnapshot))
        .map(Map.Entry::getKey).toList();
  }

  private static void checkName(String what, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidRequestException(what, "invalid " + what + " name '" + name + "'");
    }
  }

  private static void mkdirs(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new InfrastructureException("cannot create " + dir, e);
    }
  }

  private static void copyTree(Path from, Path to) {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long size(Path root) {
    if (!Files.exists(root)) {
      return 0;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      return paths.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
