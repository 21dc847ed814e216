package io.stagdb.zfs;

import java.util.Locale;

/** How stagDB talks to ZFS: {@code auto} (libzfs_core when it initialises, else the CLI), {@code native} or {@code cli}. */
public enum ZfsMode {
  AUTO, NATIVE, CLI;

  /** Parses a configuration value, case-insensitively. */
  public static ZfsMode parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("zfs mode must be one of auto, native, cli (got '" + value + "')");
    }
  }
}
