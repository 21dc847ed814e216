package io.stagdb.zfs;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.error.StagDbException;
import java.util.List;
import java.util.Map;
import jnr.ffi.byref.PointerByReference;

/**
 * {@link Zfs} through libzfs_core for create, snapshot, clone, rollback, destroy and exists, as
 * in OpenZFS 2.1-2.3. libzfs_core neither mounts nor reads properties, so mounting, unmounting and
 * property reads go through the {@code zfs} command, as do the cases it has no single call for
 * (destroying clones in cascade, rolling back past later snapshots).
 *
 * <p>Constructed only after {@code libzfs_core_init()} returned 0 (see {@link ZfsBackends}).
 */
final class ZfsNative implements Zfs {
  static final int ENOENT = 2;
  static final int EBUSY = 16;
  static final int EEXIST = 17;
  static final int EINVAL = 22;
  static final int ENOSPC = 28;
  static final int EDQUOT = 122;
  private static final int BUSY_RETRIES = 8;

  private final LibZfsCore core;
  private final LibNvpair nvpair;
  private final ZfsCli cli;

  ZfsNative(LibZfsCore core, LibNvpair nvpair, ZfsCli cli) {
    this.core = core;
    this.nvpair = nvpair;
    this.cli = cli;
  }

  @Override
  public void create(String dataset, Map<String, String> properties) {
    try (NvList props = properties(properties)) {
      check("create", dataset, core.lzc_create(dataset, LibZfsCore.LZC_DATSET_TYPE_ZFS, props.pointer(), null, 0));
    }
    mountIfItHasAMountpoint(dataset, properties);
  }

  /**
   * libzfs_core makes datasets without mounting them; the CLI mounts what has a mountpoint (its
   * own, or inherited) and leaves {@code none} and {@code legacy} alone, as {@code zfs create}
   * does. A root made with {@code mountpoint=none} is never mounted.
   */
  private void mountIfItHasAMountpoint(String dataset, Map<String, String> properties) {
    String mountpoint = properties.get("mountpoint");
    if (mountpoint == null) {
      mountpoint = cli.properties(dataset, false, List.of("mountpoint")).get(0).value();
    }
    if (mountpoint.startsWith("/")) {
      cli.mountNew(dataset);
    }
  }

  @Override
  public void snapshot(String snapshot) {
    try (NvList snaps = NvList.create(nvpair).addBoolean(snapshot)) {
      PointerByReference errors = new PointerByReference();
      int rc = core.lzc_snapshot(snaps.pointer(), null, errors);
      freeErrors(errors);
      check("snapshot", snapshot, rc);
    }
  }

  @Override
  public void clone(String snapshot, String target, Map<String, String> properties) {
    try (NvList props = properties(properties)) {
      int rc = core.lzc_clone(target, snapshot, props.pointer());
      if (rc == ENOENT && !exists(snapshot)) {
        throw new NotFoundException("dataset", snapshot);
      }
      check("clone", target, rc);
    }
    mountIfItHasAMountpoint(target, properties);
  }

  @Override
  public void rollback(String snapshot) {
    int at = snapshot.indexOf('@');
    int rc = core.lzc_rollback_to(snapshot.substring(0, at), snapshot);
    if (rc == EEXIST) {
      cli.rollback(snapshot);   // later snapshots exist: 'zfs rollback -r' destroys them first
      return;
    }
    check("rollback", snapshot, rc);
  }

  @Override
  public void promote(String dataset) {
    cli.promote(dataset);   // lzc_promote is not in every libzfs_core the native path meets
  }

  @Override
  public void destroy(String dataset, boolean cascade) {
    if (cascade) {
      cli.destroy(dataset, true);
      return;
    }
    if (dataset.contains("@")) {
      if (!exists(dataset)) {   // lzc_destroy_snaps ignores missing snapshots
        throw new NotFoundException("dataset", dataset);
      }
      destroySnapshots(dataset, List.of(dataset));
      return;
    }
    if (!exists(dataset)) {
      throw new NotFoundException("dataset", dataset);
    }
    List<String> snapshots = cli.properties(dataset, true, List.of("type")).stream()
        .map(Zfs.PropertyRow::dataset).filter(name -> name.startsWith(dataset + "@")).distinct().toList();
    if (!snapshots.isEmpty()) {
      destroySnapshots(dataset, snapshots);
    }
    for (int attempt = 1; ; attempt++) {
      cli.unmountQuietly(dataset);
      int rc = core.lzc_destroy(dataset);
      if (rc != EBUSY || attempt == BUSY_RETRIES) {
        check("destroy", dataset, rc);
        return;
      }
      pause(25L << attempt);
    }
  }

  private void destroySnapshots(String dataset, List<String> snapshots) {
    try (NvList snaps = NvList.create(nvpair)) {
      snapshots.forEach(snaps::addBoolean);
      PointerByReference errors = new PointerByReference();
      int rc = core.lzc_destroy_snaps(snaps.pointer(), 0, errors);
      Map<String, Integer> perSnapshot = NvList.adopt(nvpair, errors.getValue()).map(list -> {
        try (list) {
          return list.int32Entries();
        }
      }).orElse(Map.of());
      if (rc == EEXIST) {
        throw new ConflictException(ConflictException.Reason.HAS_DEPENDENTS,
            "zfs destroy " + dataset + ": a snapshot has dependent clones " + perSnapshot.keySet(),
            List.copyOf(perSnapshot.keySet()), null);
      }
      check("destroy", dataset, rc);
    }
  }

  @Override
  public boolean exists(String dataset) {
    return core.lzc_exists(dataset) != 0;
  }

  @Override
  public void mount(String dataset) {
    cli.mount(dataset);
  }

  @Override
  public List<PropertyRow> properties(String dataset, boolean recursive, List<String> names) {
    return cli.properties(dataset, recursive, names);
  }

  /** refquota as uint64, anything else as a string, as the kernel expects them. */
  private NvList properties(Map<String, String> properties) {
    NvList props = NvList.create(nvpair);
    try {
      properties.forEach((name, value) -> {
        if (name.equals("refquota") || name.equals("quota")) {
          props.addUint64(name, Long.parseLong(value));
        } else {
          props.addString(name, value);
        }
      });
      return props;
    } catch (RuntimeException e) {
      props.close();
      throw e;
    }
  }

  private void freeErrors(PointerByReference errors) {
    NvList.adopt(nvpair, errors.getValue()).ifPresent(NvList::close);
  }

  private static void check(String operation, String dataset, int rc) {
    if (rc != 0) {
      throw fromErrno(operation, dataset, rc);
    }
  }

  /** Translates a libzfs_core errno into the domain's errors, naming the operation and dataset. */
  static StagDbException fromErrno(String operation, String dataset, int errno) {
    return switch (errno) {
      case ENOENT -> new NotFoundException("dataset", dataset);
      case EEXIST -> operation.equals("destroy")
          ? new ConflictException(ConflictException.Reason.HAS_DEPENDENTS, "zfs destroy " + dataset + ": it has dependents")
          : ConflictException.alreadyExists("dataset", dataset);
      case EBUSY -> new ConflictException(ConflictException.Reason.BUSY, "zfs " + operation + " " + dataset + ": dataset is busy");
      case ENOSPC, EDQUOT -> new InfrastructureException("zfs " + operation + " " + dataset + ": out of space");
      case EINVAL -> new InfrastructureException("zfs " + operation + " " + dataset + ": invalid argument");
      default -> new InfrastructureException("zfs " + operation + " " + dataset + " failed (errno " + errno + ")");
    };
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InfrastructureException("interrupted while waiting for a busy dataset", e);
    }
  }

}
