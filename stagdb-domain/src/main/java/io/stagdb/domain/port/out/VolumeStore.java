package io.stagdb.domain.port.out;

import java.nio.file.Path;
import java.util.List;

/**
 * Copy-on-write storage for database files: one volume per database, snapshots of volumes, and
 * clones of snapshots as new writable volumes (on ZFS: datasets, snapshots and clones).
 *
 * <p>Volumes and snapshots are addressed by short keys chosen by the domain ({@code [a-z0-9-]+}); the
 * store maps them to its own names under a configured root and never touches anything outside it.
 * Errors are the domain's: {@code NotFoundException}, {@code ConflictException} (already exists,
 * has dependents, busy), {@code InvalidRequestException}, {@code InfrastructureException}.
 *
 * <pre>{@code
 * Path data = volumes.create("db-3f9a1c2b7d4e", 10L << 30);   // 10 GiB quota
 * volumes.snapshot("db-3f9a1c2b7d4e", "snap-9c0e4b1a2f3d");
 * Path branch = volumes.clone("db-3f9a1c2b7d4e", "snap-9c0e4b1a2f3d", "db-77aa00bb11cc", 10L << 30);
 * }</pre>
 *
 * <p>A volume named {@code <group>--<suffix>} belongs to {@code <group>}: the volumes of a group are
 * mounted side by side in a directory of their own ({@link #mountPath}'s parent, holding nothing
 * else), so whoever is given that directory sees each of them come and go.
 */
public interface VolumeStore {
  /** Between a grouped volume's group and the rest of its name. */
  String GROUP_SEPARATOR = "--";

  /** The group of a volume named {@code <group>--<suffix>}, else {@code null}. */
  static String groupOf(String volume) {
    int at = volume.indexOf(GROUP_SEPARATOR);
    return at > 0 ? volume.substring(0, at) : null;
  }

  /** Creates an empty volume with a storage quota and returns where it is mounted. */
  Path create(String volume, long quotaBytes);

  /** Takes a snapshot of a volume; fast and independent of the volume's size. */
  void snapshot(String volume, String snapshot);

  /** Creates a writable volume from a snapshot, sharing its blocks, and returns where it is mounted. */
  Path clone(String sourceVolume, String snapshot, String targetVolume, long quotaBytes);

  /** Discards every change made to a volume since a snapshot of it (and any later snapshots). */
  void rollback(String volume, String snapshot);

  /**
   * Makes a clone of a snapshot of {@code from} independent of it: {@code from}'s snapshots up to
   * the clone's origin move to the clone, and {@code from} becomes a clone of it (ZFS's promote), so
   * it can be destroyed while the clone lives on. Refused (a conflict, nothing changed) when the
   * volume is not a clone of {@code from}: a promote moves snapshots of whatever it was cloned from.
   */
  void promote(String volume, String from);

  /**
   * Destroys a volume and its snapshots. Refused with a conflict while clones depend on one of its
   * snapshots, unless {@code cascade}, which destroys those clones first.
   */
  void destroy(String volume, boolean cascade);

  /** Destroys one snapshot; refused with a conflict while clones depend on it. */
  void destroySnapshot(String volume, String snapshot);

  boolean exists(String volume);

  boolean snapshotExists(String volume, String snapshot);

  /** Storage figures of one volume. */
  VolumeUsage usage(String volume);

  /** Every volume and snapshot under the store's root, in one call. */
  List<VolumeInfo> list();

  /** Where a volume is mounted (whether or not it exists). */
  Path mountPath(String volume);

  /**
   * Mounts a volume unless it is mounted, and returns where. A host reboot or a restarted storage
   * daemon can leave volumes unmounted: a container started on the bare directory would see an
   * empty database, so every container start goes through here.
   */
  Path mount(String volume);

  /**
   * Empty mount directories whose volume is gone: what a destroy leaves when removing its mount
   * point failed or was cut short (the store removes it right after a destroy otherwise).
   */
  default List<String> strayMountDirectories() {
    return List.of();
  }

  /** Removes the mount directory of a volume that is gone, if it is empty. */
  default void removeMountDirectory(String volume) {
  }
}
