package io.stagdb.zfs;

import jnr.ffi.Pointer;
import jnr.ffi.byref.LongLongByReference;
import jnr.ffi.byref.PointerByReference;

/**
 * The part of libnvpair ({@code libnvpair.so.3}, {@code <libnvpair.h>}) stagDB uses, mirrored for
 * jnr-ffi. Only the error-returning functions: the {@code fnvlist_*} helpers abort() the process
 * on failure and must never be bound. Public only because jnr-ffi implements it in a class loader
 * of its own; not stagDB API.
 */
public interface LibNvpair {
  /** {@code nvflag} of {@link #nvlist_alloc}: names are unique within the list. */
  int NV_UNIQUE_NAME = 1;

  int nvlist_alloc(PointerByReference nvlp, int nvflag, int kmflag);

  void nvlist_free(Pointer nvl);

  int nvlist_add_boolean(Pointer nvl, String name);

  int nvlist_add_string(Pointer nvl, String name, String value);

  int nvlist_add_uint64(Pointer nvl, String name, long value);

  int nvlist_lookup_string(Pointer nvl, String name, PointerByReference value);

  int nvlist_lookup_uint64(Pointer nvl, String name, LongLongByReference value);

  /** Returns {@code boolean_t} (an int): non-zero when {@code name} is in the list. */
  int nvlist_exists(Pointer nvl, String name);

  /** The pair after {@code nvp} ({@code null} for the first); {@code null} at the end. */
  Pointer nvlist_next_nvpair(Pointer nvl, Pointer nvp);

  String nvpair_name(Pointer nvp);

  int nvpair_value_int32(Pointer nvp, jnr.ffi.byref.IntByReference value);
}
