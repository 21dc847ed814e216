package io.stagdb.zfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.testkit.TestHost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The ZFS tests on kernel OpenZFS: boots the ZFS test VM (scripts/build-zfs-vm: Debian's 6.1 kernel,
 * the real OpenZFS module from zfs-dkms, libzfs_core) under QEMU's software emulation, creates a
 * pool {@code tank} on a fresh second disk with {@code -m none}, and runs there, in one JVM,
 * the native binding's tests (ZfsNativeIT: auto mode picks libzfs_core), the volume store in CLI
 * mode (ZfsVolumeStoreIT), the volume-store contract and the errno translations in native mode,
 * and roots whose mountpoint is none, inherited or their own, in both modes. No Docker runs in the
 * guest. The guest is bounded in time; on failure its console and its test log are printed.
 *
 * <p>It runs beside the module's other integration tests (junit-platform.properties): it shares
 * nothing with them but the host's second core.
 */
@Execution(ExecutionMode.CONCURRENT)
class KernelZfsVmIT {
  static final List<String> GUEST_TESTS = List.of("io.stagdb.zfs.ZfsNativeIT", "io.stagdb.zfs.ZfsVolumeStoreIT",
      "io.stagdb.zfs.ZfsNativeVolumeStoreInVm", "io.stagdb.zfs.ZfsNativeErrorsInVm", "io.stagdb.zfs.ZfsRootsInVm");
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path SHARE = TestHost.mountDirFor("zfs-vm");
  private static final Duration BOUND = Duration.ofMinutes(10);
  /**
   * The start of every guest script: the module loaded, and pool {@code tank} (no mountpoint) on the
   * fresh second disk, partitioned first (without udev, a whole-disk pool waits 35 s and fails).
   */
  static final String POOL_TANK = String.join("\n",
      "set -eu",
      "modprobe zfs",
      "printf 'label: gpt\\n,,\\n' | sfdisk -q /dev/vdb",
      "for i in $(seq 50); do [ -b /dev/vdb1 ] && break; sleep 0.1; done",
      "zpool create -f -m none tank /dev/vdb1");

  static Path shareDir() {
    return SHARE;
  }

  @AfterAll
  static void cleanUp() {
    TestHost.destroyFor("zfs-vm");
  }

  /** The built VM's directory (kernel, initrd, root image), or a failure saying how to build it. */
  static Path vm() {
    TestHost.Result where = TestHost.exec(List.of(REPO.resolve("scripts/build-zfs-vm").toString(), "--print-dir"));
    Path dir = Path.of(where.stdout().strip());
    TestHost.require(where.ok() && Files.exists(dir.resolve("ready")),
        "the ZFS test VM (scripts/build-zfs-vm builds it; scripts/host-setup runs it)");
    TestHost.require(TestHost.exec(List.of("qemu-system-x86_64", "--version")).ok(), "qemu-system-x86_64");
    return dir;
  }

  /** Boots the guest on {@code runScript} (run from the share, as root), bounded; its exit code, console and log. */
  static Guest boot(Path vm, String runScript) throws Exception {
    Files.createDirectories(SHARE);
    Files.writeString(SHARE.resolve("run.sh"), runScript);
    Files.deleteIfExists(SHARE.resolve("exit-code"));
    Path pool = SHARE.resolve("pool.img");
    try (var file = new java.io.RandomAccessFile(pool.toFile(), "rw")) {
      file.setLength(2L << 30);   // sparse
    }
    Path console = SHARE.resolve("console.log");
    List<String> qemu = List.of("qemu-system-x86_64", "-accel", "tcg,thread=single", "-smp", "1", "-m", "2048",
        "-kernel", vm.resolve("vmlinuz").toString(), "-initrd", vm.resolve("initrd.img").toString(),
        "-append", "root=/dev/vda rw console=ttyS0 init=/sbin/stagdb-init panic=-1 quiet",
        "-drive", "file=" + vm.resolve("rootfs.img") + ",if=virtio,format=raw,snapshot=on",
        "-drive", "file=" + pool + ",if=virtio,format=raw",
        "-virtfs", "local,path=" + SHARE + ",mount_tag=share,security_model=none",
        "-nic", "none", "-nographic", "-no-reboot");
    long started = System.nanoTime();
    Process process = new ProcessBuilder(qemu).redirectErrorStream(true).redirectOutput(console.toFile()).start();
    process.getOutputStream().close();
    boolean ended = process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS);
    if (!ended) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    Path exit = SHARE.resolve("exit-code");
    Integer code = Files.exists(exit) ? Integer.valueOf(Files.readString(exit).strip()) : null;
    Path log = SHARE.resolve("run.log");
    return new Guest(ended, code, took, Files.readString(console, StandardCharsets.UTF_8),
        Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "");
  }

  record Guest(boolean ended, Integer exitCode, Duration took, String console, String log) {
    String report() {
      return "guest " + (ended ? "powered off" : "killed after the bound") + " after " + took.toSeconds() + " s, exit code "
          + exitCode + "\n--- console ---\n" + console + "\n--- /share/run.log ---\n" + log;
    }
  }

  /** The module's classes, test classes and test classpath, copied into the share for the guest. */
  static String guestClasspath() throws Exception {
    Path lib = Files.createDirectories(SHARE.resolve("lib"));
    Path classpathFile = Path.of("target/test-classpath.txt");
    assertThat(classpathFile).as("written by the build (maven-dependency-plugin, pre-integration-test)").exists();
    List<String> entries = new ArrayList<>(List.of("/share/cp/classes", "/share/cp/test-classes"));
    copyTree(Path.of("target/classes"), SHARE.resolve("cp/classes"));
    copyTree(Path.of("target/test-classes"), SHARE.resolve("cp/test-classes"));
    int n = 0;
    for (String element : Files.readString(classpathFile).strip().split(java.io.File.pathSeparator)) {
      Path source = Path.of(element);
      if (Files.isDirectory(source)) {   // a module of the same build, not packaged yet
        String dir = "cp/" + n++;
        copyTree(source, SHARE.resolve(dir));
        entries.add("/share/" + dir);
      } else {
        Files.copy(source, lib.resolve(source.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    entries.add("/share/lib/*");
    return String.join(":", entries);
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  @Test
  void theZfsTestsPassOnKernelOpenZfsInNativeAndCliMode() throws Exception {
    Path vm = vm();
    String script = String.join("\n", POOL_TANK,
        "echo \"kernel $(uname -r), zfs $(cat /sys/module/zfs/version)\"",
        "test -c /dev/zfs",
        "export STAGDB_TEST_POOL=tank STAGDB_REQUIRE_INFRA=true",
        "java -XX:TieredStopAtLevel=1 -cp '" + guestClasspath() + "' io.stagdb.zfs.VmTests " + String.join(" ", GUEST_TESTS),
        "");
    Guest guest = boot(vm, script);
    assertThat(guest.ended()).as(guest.report()).isTrue();
    assertThat(guest.exitCode()).as(guest.report()).isZero();
    assertThat(guest.log()).as(guest.report()).containsPattern("vm-tests: .* failed=0 skipped=0 aborted=0")
        .containsPattern("kernel 6\\.1\\.\\S+, zfs 2\\.1\\.");
    System.out.println("KernelZfsVmIT: " + guest.log().lines().filter(l -> l.startsWith("vm-tests:") || l.startsWith("kernel"))
        .toList() + " in " + guest.took().toSeconds() + " s");
  }
}
