package io.stagdb.zfs;

import java.util.List;
import java.util.Map;

/**
 * The ZFS operations stagDB needs, on full dataset names. Implemented by the {@code zfs} command
 * line ({@link ZfsCli}); a libzfs_core binding can take over the calls it supports. Errors are the
 * domain's, already translated.
 */
interface Zfs {

  void create(String dataset, Map<String, String> properties);

  void snapshot(String snapshot);

  void clone(String snapshot, String target, Map<String, String> properties);

  /** Rolls back to a snapshot, destroying later snapshots (not clones). */
  void rollback(String snapshot);

  /**
   * Makes a clone independent of its origin: the origin's snapshots up to the one it was cloned
   * from move to the clone, and the origin becomes a clone of it.
   */
  void promote(String dataset);

  /**
   * Destroys a filesystem with its snapshots ({@code cascade}: and every clone of them), or one
   * snapshot; retries briefly while the dataset is busy.
   */
  void destroy(String dataset, boolean cascade);

  boolean exists(String dataset);

  /** Mounts a filesystem at its mountpoint unless it is mounted already. */
  void mount(String dataset);

  /** Properties of a dataset and, with {@code recursive}, of everything below it, snapshots included. */
  List<PropertyRow> properties(String dataset, boolean recursive, List<String> names);

  /** One line of {@code zfs get -Hp -o name,property,value}. */
  record PropertyRow(String dataset, String property, String value) {
  }
}
