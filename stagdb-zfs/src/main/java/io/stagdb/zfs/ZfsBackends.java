package io.stagdb.zfs;

import io.stagdb.domain.error.InfrastructureException;
import java.time.Duration;
import jnr.ffi.LibraryLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks how to talk to ZFS and logs why: libzfs_core when the libraries load and
 * {@code libzfs_core_init()} returns 0, otherwise the {@code zfs} command. No {@code lzc_*}
 * function is reachable before a successful init.
 */
final class ZfsBackends {
  private static final Logger LOG = LoggerFactory.getLogger(ZfsBackends.class);
  static final String LIBZFS_CORE = "libzfs_core.so.3";
  static final String LIBNVPAIR = "libnvpair.so.3";

  private ZfsBackends() {
  }

  /** The loaded libraries, or why they are not usable. */
  record Native(LibZfsCore core, LibNvpair nvpair, String unusableBecause) {
  }

  static Zfs select(ZfsMode mode, String executable, Duration timeout) {
    ZfsCli cli = new ZfsCli(executable, timeout);
    if (mode == ZfsMode.CLI) {
      LOG.info("ZFS through the '{}' command (zfs mode 'cli')", executable);
      return cli;
    }
    Native loaded = load();
    if (loaded.unusableBecause() == null) {
      LOG.info("ZFS through libzfs_core (zfs mode '{}')", mode.name().toLowerCase(java.util.Locale.ROOT));
      return new ZfsNative(loaded.core(), loaded.nvpair(), cli);
    }
    if (mode == ZfsMode.NATIVE) {
      throw new InfrastructureException("zfs mode 'native' is configured but " + loaded.unusableBecause()
          + "; use zfs mode 'auto' or 'cli'");
    }
    LOG.info("ZFS through the '{}' command: {}", executable, loaded.unusableBecause());
    return cli;
  }

  /** Loads libnvpair and libzfs_core and initialises the latter; never throws. */
  static Native load() {
    LibNvpair nvpair;
    LibZfsCore core;
    try {
      nvpair = loadNvpair();
      core = LibraryLoader.create(LibZfsCore.class).failImmediately().load(LIBZFS_CORE);
    } catch (LinkageError | RuntimeException e) {
      return new Native(null, null, LIBZFS_CORE + " could not be loaded (" + e.getMessage() + ")");
    }
    int rc = core.libzfs_core_init();
    if (rc != 0) {
      String hint = rc == ZfsNative.ENOENT ? ": no /dev/zfs, the ZFS kernel module is not loaded" : "";
      return new Native(null, null, "libzfs_core_init() returned errno " + rc + hint);
    }
    return new Native(core, nvpair, null);
  }

  /** libnvpair alone, which works without the kernel module. */
  static LibNvpair loadNvpair() {
    return LibraryLoader.create(LibNvpair.class).failImmediately().load(LIBNVPAIR);
  }
}
