package io.stagdb.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** This process's mount table ({@code /proc/self/mountinfo}), read for mount propagation. */
final class MountTable {
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  private MountTable() {
  }

  /**
   * Whether mounts made below {@code dir} reach a container given it with {@code rslave}: the
   * mount holding it is shared (or a slave, as Docker accepts). False when it cannot be told.
   */
  static boolean propagates(Path dir) {
    try {
      return propagates(dir.toRealPath(), Files.readAllLines(MOUNTINFO));
    } catch (IOException | RuntimeException unreadable) {
      return false;
    }
  }

  /** As {@link #propagates(Path)}, on the lines of a mount table. */
  static boolean propagates(Path dir, List<String> mountinfo) {
    String best = null;
    boolean shared = false;
    for (String line : mountinfo) {
      // id parent major:minor root mount-point options [optional fields...] - type source super-options
      String[] f = line.split(" ");
      if (f.length < 7) {
        continue;
      }
      String point = unescape(f[4]);
      if (dir.startsWith(point) && (best == null || point.length() >= best.length())) {
        best = point;
        shared = false;
        for (int i = 6; i < f.length && !f[i].equals("-"); i++) {
          shared |= f[i].startsWith("shared:") || f[i].startsWith("master:");
        }
      }
    }
    return shared;
  }

  /** mountinfo writes a space, tab, newline and backslash in a path as an octal escape. */
  private static String unescape(String path) {
    return path.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
  }
}
