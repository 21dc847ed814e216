package io.stagdb.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.testkit.TestHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import jnr.ffi.byref.PointerByReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The native path against the real libnvpair and libzfs_core from the distribution.
 *
 * <p>What this machine cannot exercise: the {@code lzc_*} calls themselves. They need the ZFS
 * kernel module (/dev/zfs), which cannot be loaded here (zfs-fuse has no libzfs_core interface),
 * so {@code libzfs_core_init()} returns ENOENT and stagDB must, and does, fall back to the CLI.
 * {@link ZfsNative} is written against the OpenZFS 2.1-2.3 headers; on a host with the module,
 * {@link #autoPicksWhatTheHostSupports()} checks that it is chosen.
 */
class ZfsNativeIT {
  private static LibNvpair nvpair;

  @BeforeAll
  static void loadLibnvpair() {
    String problem = null;
    try {
      nvpair = ZfsBackends.loadNvpair();
    } catch (LinkageError | RuntimeException e) {
      problem = e.toString();
    }
    TestHost.require(problem == null, "libnvpair (" + ZfsBackends.LIBNVPAIR + ": " + problem + ")");
  }

  @Test
  void buildsAndReadsNvlistsWithTheRealLibrary() {
    try (NvList list = NvList.create(nvpair)) {
      list.addString("mountpoint", "/srv/stagdb/db-1").addUint64("refquota", 10L << 30).addBoolean("tank/x@s1");
      assertThat(list.string("mountpoint")).contains("/srv/stagdb/db-1");
      assertThat(list.uint64("refquota")).contains(10L << 30);
      assertThat(list.contains("tank/x@s1")).isTrue();
      assertThat(list.contains("absent")).isFalse();
      assertThat(list.string("absent")).isEmpty();
      assertThat(list.uint64("absent")).isEmpty();
    }
  }

  @Test
  void readsInt32EntriesTheWayLibzfsCoreReportsErrors() {
    // An error list maps dataset names to int32 errnos; build one the way the kernel does.
    LibNvpairWithInt32 lib = jnr.ffi.LibraryLoader.create(LibNvpairWithInt32.class).failImmediately().load(ZfsBackends.LIBNVPAIR);
    PointerByReference ref = new PointerByReference();
    assertThat(lib.nvlist_alloc(ref, LibNvpair.NV_UNIQUE_NAME, 0)).isZero();
    assertThat(lib.nvlist_add_int32(ref.getValue(), "tank/a@s1", 17)).isZero();
    assertThat(lib.nvlist_add_int32(ref.getValue(), "tank/a@s2", 16)).isZero();
    try (NvList errors = NvList.adopt(nvpair, ref.getValue()).orElseThrow()) {
      assertThat(errors.int32Entries()).containsExactly(Map.entry("tank/a@s1", 17), Map.entry("tank/a@s2", 16));
    }
    assertThat(NvList.adopt(nvpair, null)).isEmpty();
  }

  /** Test-only binding of the one call the product never needs: adding an int32. */
  public interface LibNvpairWithInt32 extends LibNvpair {
    int nvlist_add_int32(jnr.ffi.Pointer nvl, String name, int value);
  }

  @Test
  void autoPicksWhatTheHostSupports() {
    Zfs chosen = ZfsBackends.select(ZfsMode.AUTO, "zfs", Duration.ofSeconds(10));
    if (Files.exists(Path.of("/dev/zfs"))) {
      assertThat(chosen).isInstanceOf(ZfsNative.class);
    } else {
      assertThat(chosen).isInstanceOf(ZfsCli.class);
      assertThat(ZfsBackends.load().unusableBecause()).contains("libzfs_core_init() returned errno 2")
          .contains("no /dev/zfs");
    }
  }

  @Test
  void nativeModeWithoutAUsableLibraryIsAClearError() {
    if (!Files.exists(Path.of("/dev/zfs"))) {
      assertThatThrownBy(() -> ZfsBackends.select(ZfsMode.NATIVE, "zfs", Duration.ofSeconds(10)))
          .isInstanceOf(InfrastructureException.class)
          .hasMessageContaining("zfs mode 'native'").hasMessageContaining("libzfs_core_init()");
    } else {
      assertThat(ZfsBackends.select(ZfsMode.NATIVE, "zfs", Duration.ofSeconds(10))).isInstanceOf(ZfsNative.class);
    }
  }

  @Test
  void cliModeNeverTouchesTheLibrary() {
    assertThat(ZfsBackends.select(ZfsMode.CLI, "zfs", Duration.ofSeconds(10))).isInstanceOf(ZfsCli.class);
  }
}
