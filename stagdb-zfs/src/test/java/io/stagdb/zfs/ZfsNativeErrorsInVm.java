package io.stagdb.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.testkit.TestHost;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * libzfs_core's errnos, as the kernel really returns them, become the domain's errors; and
 * {@code auto} picks the native path where {@code /dev/zfs} exists. Inside the ZFS test VM.
 */
class ZfsNativeErrorsInVm {
  private static final String ROOT = TestHost.datasetFor("errors");
  private static final Path MOUNTS = TestHost.mountDirFor("errors");
  private static Zfs zfs;

  @BeforeAll
  static void nativeBackend() {
    TestHost.require(Files.exists(Path.of("/dev/zfs")), "the ZFS kernel module (/dev/zfs)");
    zfs = ZfsBackends.select(ZfsMode.AUTO, "zfs", Duration.ofSeconds(60));
    TestHost.zfs("create", "-o", "mountpoint=none", ROOT);
  }

  @AfterAll
  static void destroyEverything() {
    TestHost.destroyFor("errors");
  }

  private static Map<String, String> mounted(String name) {
    return Map.of("mountpoint", MOUNTS.resolve(name).toString(), "refquota", Long.toString(32L << 20));
  }

  @Test
  void autoPicksLibzfsCore() {
    assertThat(zfs).isInstanceOf(ZfsNative.class);
  }

  @Test
  void errnosBecomeTheDomainsErrors() throws Exception {
    zfs.create(ROOT + "/a", mounted("a"));
    assertThatThrownBy(() -> zfs.create(ROOT + "/a", mounted("a")))
        .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.reason()).isEqualTo(ConflictException.Reason.ALREADY_EXISTS));
    assertThatThrownBy(() -> zfs.clone(ROOT + "/a@missing", ROOT + "/b", mounted("b"))).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> zfs.destroy(ROOT + "/nothing", false)).isInstanceOf(NotFoundException.class);
    zfs.snapshot(ROOT + "/a@s1");
    assertThatThrownBy(() -> zfs.snapshot(ROOT + "/a@s1"))
        .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.reason()).isEqualTo(ConflictException.Reason.ALREADY_EXISTS));
    zfs.clone(ROOT + "/a@s1", ROOT + "/c", mounted("c"));
    assertThatThrownBy(() -> zfs.destroy(ROOT + "/a@s1", false))
        .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.reason()).isEqualTo(ConflictException.Reason.HAS_DEPENDENTS));
    // a full quota is an infrastructure failure the operation reports, not a crash
    assertThatThrownBy(() -> {
      try (OutputStream out = Files.newOutputStream(MOUNTS.resolve("c").resolve("big"))) {
        byte[] block = new byte[1 << 20];
        new java.util.Random(4).nextBytes(block);
        for (int i = 0; i < 64; i++) {
          out.write(block);
        }
      }
    }).isInstanceOf(java.io.IOException.class);
    zfs.destroy(ROOT + "/c", false);
    zfs.destroy(ROOT + "/a", false);
    assertThat(zfs.exists(ROOT + "/a")).isFalse();
  }

  @Test
  void aBusyFilesystemIsRetriedThenReportedBusy() throws Exception {
    zfs.create(ROOT + "/held", mounted("held"));
    Process holder = new ProcessBuilder("sh", "-c", "cd " + MOUNTS.resolve("held") + " && exec sleep 60").start();
    try {
      Thread.sleep(300);
      assertThatThrownBy(() -> zfs.destroy(ROOT + "/held", false))
          .isInstanceOfAny(ConflictException.class, InfrastructureException.class)
          .hasMessageContaining("busy");
    } finally {
      holder.destroyForcibly().waitFor();
    }
    zfs.destroy(ROOT + "/held", false);
    assertThat(TestHost.exec(List.of("zfs", "list", ROOT + "/held")).ok()).isFalse();
  }
}
