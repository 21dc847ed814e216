package io.stagdb.zfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Times the ZFS adapter on a real pool: snapshot and clone of a volume holding data, and listing
 * 200+ datasets with their properties; also the cost of one {@code zfs} process, the overhead the
 * native path saves per call. Run by {@code scripts/bench zfs}; prints a Markdown section.
 *
 * <p>Arguments: a scratch dataset to create and destroy (e.g. {@code stagdb/bench}), a scratch
 * mount directory, and the number of timed snapshots/clones.
 */
public final class ZfsBenchmark {

  public static void main(String[] args) throws Exception {
    String scratch = args[0];
    Path mounts = Path.of(args[1]);
    int runs = Integer.parseInt(args[2]);
    exec("zfs", "create", "-o", "mountpoint=none", scratch);
    try {
      ZfsVolumeStore store = ZfsVolumeStore.open(scratch + "/volumes", mounts, ZfsMode.AUTO);
      Path data = store.create("source", 2L << 30);
      byte[] block = new byte[1 << 20];
      Random random = new Random(42);
      for (int i = 0; i < 100; i++) {
        random.nextBytes(block);
        Files.write(data.resolve("file-" + i), block);
      }
      List<Long> snapshots = new ArrayList<>();
      List<Long> clones = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        Files.write(data.resolve("change-" + i), block);   // each snapshot has something new
        long t0 = System.nanoTime();
        store.snapshot("source", "s" + i);
        long t1 = System.nanoTime();
        store.clone("source", "s" + i, "clone-" + i, 2L << 30);
        long t2 = System.nanoTime();
        snapshots.add(t1 - t0);
        clones.add(t2 - t1);
      }
      for (int i = 0; store.list().size() < 200; i++) {
        store.create("filler-" + i, 1L << 30);
      }
      int datasets = store.list().size();
      List<Long> listings = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        long t0 = System.nanoTime();
        store.list();
        listings.add(System.nanoTime() - t0);
      }
      List<Long> spawns = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        long t0 = System.nanoTime();
        exec("zfs", "list", "-H", "-o", "name", scratch);
        spawns.add(System.nanoTime() - t0);
      }
      String backend = ZfsBackends.load().unusableBecause() == null ? "libzfs_core" : "zfs CLI";
      System.out.println("| operation (through `ZfsVolumeStore`, " + backend + ") | runs | p50 | p95 | target |");
      System.out.println("|---|---|---|---|---|");
      row("snapshot of a 100 MiB volume", snapshots, "p50 ≤ 30 ms");
      row("clone of that snapshot (writable volume with quota and mountpoint)", clones, "p50 ≤ 30 ms");
      row("list " + datasets + " datasets with properties (one `zfs get -Hp -r`)", listings, "≤ 300 ms");
      row("one `zfs` process doing nothing (`zfs list` of one dataset)", spawns, "—");
      System.out.println();
      String reason = ZfsBackends.load().unusableBecause();
      System.out.println(reason == null
          ? "Native path active: compare with a run under `zfs mode cli` for the per-call saving."
          : "Native-vs-CLI: not measurable on this machine (" + reason + "); the last row is the"
              + " process cost per call that libzfs_core avoids.");
    } finally {
      io.stagdb.domain.testkit.TestHost.destroyRecursively(scratch);
    }
  }

  private static void row(String what, List<Long> nanos, String target) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    System.out.printf("| %s | %d | %.1f ms | %.1f ms | %s |%n", what, sorted.size(),
        percentile(sorted, 50), percentile(sorted, 95), target);
  }

  private static double percentile(List<Long> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, index)) / 1_000_000.0;
  }

  private static void exec(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed");
    }
  }
}
