package io.stagdb.zfs;

/**
 * scripts/bench zfs-vm: boots the ZFS test VM and runs {@link ZfsBackendRace} in it, printing its
 * table (run from the stagdb-zfs directory, after its test classpath was written to
 * target/test-classpath.txt).
 */
public final class ZfsVmBenchmark {
  private ZfsVmBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    String script = String.join("\n", KernelZfsVmIT.POOL_TANK,
        "echo \"- kernel $(uname -r), OpenZFS $(cat /sys/module/zfs/version)\" > /share/versions",
        "java -cp '" + KernelZfsVmIT.guestClasspath() + "' io.stagdb.zfs.ZfsBackendRace tank " + (args.length > 0 ? args[0] : "20"),
        "");
    KernelZfsVmIT.Guest guest = KernelZfsVmIT.boot(KernelZfsVmIT.vm(), script);
    if (guest.exitCode() == null || guest.exitCode() != 0) {
      System.err.println(guest.report());
      System.exit(1);
    }
    System.out.print(guest.log().lines().filter(l -> l.startsWith("|") || l.startsWith("- ") || l.isEmpty())
        .reduce("", (a, b) -> a + b + "\n"));
    System.out.println(java.nio.file.Files.readString(KernelZfsVmIT.shareDir().resolve("versions")).strip());
    KernelZfsVmIT.cleanUp();
  }
}
