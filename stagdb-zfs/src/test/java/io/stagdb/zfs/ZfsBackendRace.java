package io.stagdb.zfs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Native (libzfs_core) against CLI ({@code zfs}) for snapshot and clone, on the same kernel ZFS pool,
 * interleaved so that both see the same machine (run in the ZFS test VM by ZfsVmBenchmark). Prints a
 * Markdown table of medians. Under software emulation only the ratio means anything.
 *
 * <p>Usage: ZfsBackendRace POOL [ROUNDS]
 */
public final class ZfsBackendRace {
  private ZfsBackendRace() {
  }

  public static void main(String[] args) {
    String root = args[0] + "/race";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Zfs nativeZfs = ZfsBackends.select(ZfsMode.NATIVE, "zfs", Duration.ofSeconds(60));
    Zfs cli = ZfsBackends.select(ZfsMode.CLI, "zfs", Duration.ofSeconds(60));
    cli.create(root, Map.of("mountpoint", "/var/tmp/race"));
    cli.create(root + "/src", Map.of());
    List<Long> nativeSnap = new ArrayList<>();
    List<Long> cliSnap = new ArrayList<>();
    List<Long> nativeClone = new ArrayList<>();
    List<Long> cliClone = new ArrayList<>();
    for (int i = 0; i < rounds + 3; i++) {   // the first 3 warm up
      boolean record = i >= 3;
      for (Zfs zfs : i % 2 == 0 ? List.of(nativeZfs, cli) : List.of(cli, nativeZfs)) {
        String tag = (zfs == cli ? "c" : "n") + i;
        long t0 = System.nanoTime();
        zfs.snapshot(root + "/src@" + tag);
        long t1 = System.nanoTime();
        // as ZfsVolumeStore clones a branch's volume: its own mountpoint and quota, mounted
        zfs.clone(root + "/src@" + tag, root + "/" + tag, Map.of("mountpoint", "/var/tmp/race/" + tag, "refquota", "1073741824"));
        long t2 = System.nanoTime();
        if (record) {
          (zfs == cli ? cliSnap : nativeSnap).add(t1 - t0);
          (zfs == cli ? cliClone : nativeClone).add(t2 - t1);
        }
        zfs.destroy(root + "/" + tag, false);
        zfs.destroy(root + "/src@" + tag, false);
      }
    }
    cli.destroy(root, true);
    System.out.println("| operation | libzfs_core (native), p50 | `zfs` command (CLI), p50 | CLI / native |");
    System.out.println("|---|---|---|---|");
    row("snapshot", nativeSnap, cliSnap);
    row("clone (mounted)", nativeClone, cliClone);
    System.out.println();
    System.out.println("- " + rounds + " of each, interleaved (after 3 to warm up), on one pool of kernel OpenZFS in the ZFS test VM"
        + " (QEMU software emulation, 1 vCPU): absolute times are the emulator's, the ratio is the finding;"
        + " a native clone is lzc_clone and then a 'zfs mount' process (libzfs_core does not mount)");
  }

  private static double medianMillis(List<Long> nanos) {
    List<Long> sorted = nanos.stream().sorted().toList();
    return sorted.get(sorted.size() / 2) / 1e6;
  }

  private static void row(String what, List<Long> nativeNanos, List<Long> cliNanos) {
    double n = medianMillis(nativeNanos);
    double c = medianMillis(cliNanos);
    System.out.println(String.format(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %.1fx |", what, n, c, c / n));
  }
}
