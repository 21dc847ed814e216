package io.stagdb.zfs;

import jnr.ffi.Pointer;
import jnr.ffi.byref.PointerByReference;

/**
 * The part of libzfs_core ({@code libzfs_core.so.3}, {@code <libzfs_core.h>}, OpenZFS 2.1-2.3)
 * stagDB uses, mirrored for jnr-ffi. No {@code lzc_*} function may be called unless
 * {@link #libzfs_core_init()} returned 0: they abort() the process otherwise. Public only because
 * jnr-ffi implements it in a class loader of its own; not stagDB API.
 */
public interface LibZfsCore {
  /** {@code enum lzc_dataset_type}: a filesystem. */
  int LZC_DATSET_TYPE_ZFS = 2;

  /** Opens /dev/zfs; 0 on success, else an errno (ENOENT without the kernel module). */
  int libzfs_core_init();

  void libzfs_core_fini();

  int lzc_create(String fsname, int type, Pointer props, Pointer wkeydata, int wkeylen);

  int lzc_snapshot(Pointer snaps, Pointer props, PointerByReference errlist);

  int lzc_clone(String fsname, String origin, Pointer props);

  int lzc_rollback_to(String fsname, String snapname);

  int lzc_destroy(String fsname);

  int lzc_destroy_snaps(Pointer snaps, int defer, PointerByReference errlist);

  /** Returns {@code boolean_t}: non-zero when the dataset exists. */
  int lzc_exists(String dataset);
}
