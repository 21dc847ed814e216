package io.stagdb.zfs;

import io.stagdb.domain.error.InfrastructureException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.LongLongByReference;
import jnr.ffi.byref.PointerByReference;

/**
 * A name-value list of libnvpair, the argument format of libzfs_core, freed on {@link #close()}.
 * Built only with the error-returning {@code nvlist_*} calls (never {@code fnvlist_*}).
 */
final class NvList implements AutoCloseable {
  private static final int ENOENT = 2;

  private final LibNvpair lib;
  private Pointer handle;

  private NvList(LibNvpair lib, Pointer handle) {
    this.lib = lib;
    this.handle = handle;
  }

  static NvList create(LibNvpair lib) {
    PointerByReference ref = new PointerByReference();
    check("nvlist_alloc", lib.nvlist_alloc(ref, LibNvpair.NV_UNIQUE_NAME, 0));
    return new NvList(lib, ref.getValue());
  }

  /** Wraps a list that libzfs_core allocated (e.g. an error list); it is freed on close. */
  static Optional<NvList> adopt(LibNvpair lib, Pointer handle) {
    return handle == null || handle.address() == 0 ? Optional.empty() : Optional.of(new NvList(lib, handle));
  }

  Pointer pointer() {
    if (handle == null) {
      throw new IllegalStateException("nvlist already freed");
    }
    return handle;
  }

  NvList addBoolean(String name) {
    check("nvlist_add_boolean", lib.nvlist_add_boolean(pointer(), name));
    return this;
  }

  NvList addString(String name, String value) {
    check("nvlist_add_string", lib.nvlist_add_string(pointer(), name, value));
    return this;
  }

  NvList addUint64(String name, long value) {
    check("nvlist_add_uint64", lib.nvlist_add_uint64(pointer(), name, value));
    return this;
  }

  boolean contains(String name) {
    return lib.nvlist_exists(pointer(), name) != 0;
  }

  Optional<String> string(String name) {
    PointerByReference value = new PointerByReference();
    int rc = lib.nvlist_lookup_string(pointer(), name, value);
    if (rc == ENOENT) {
      return Optional.empty();
    }
    check("nvlist_lookup_string", rc);
    return Optional.of(value.getValue().getString(0));
  }

  Optional<Long> uint64(String name) {
    LongLongByReference value = new LongLongByReference();
    int rc = lib.nvlist_lookup_uint64(pointer(), name, value);
    if (rc == ENOENT) {
      return Optional.empty();
    }
    check("nvlist_lookup_uint64", rc);
    return Optional.of(value.getValue());
  }

  /** Reads a list of name → int32, the shape of libzfs_core's per-dataset error lists. */
  Map<String, Integer> int32Entries() {
    Map<String, Integer> entries = new LinkedHashMap<>();
    for (Pointer pair = lib.nvlist_next_nvpair(pointer(), null); pair != null && pair.address() != 0;
         pair = lib.nvlist_next_nvpair(pointer(), pair)) {
      IntByReference value = new IntByReference();
      if (lib.nvpair_value_int32(pair, value) == 0) {
        entries.put(lib.nvpair_name(pair), value.getValue());
      }
    }
    return entries;
  }

  @Override
  public void close() {
    if (handle != null) {
      lib.nvlist_free(handle);
    }
    handle = null;
  }

  private static void check(String call, int rc) {
    if (rc != 0) {
      throw new InfrastructureException(call + " failed (errno " + rc + ")");
    }
  }
}
