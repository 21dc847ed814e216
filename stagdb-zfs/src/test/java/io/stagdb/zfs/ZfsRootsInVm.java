package io.stagdb.zfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.testkit.TestHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Volumes work whatever the root's mountpoint — {@code none}, inherited from a mounted parent, or a
 * path of its own — in native and CLI mode, and stagDB never mounts the root itself. On kernel
 * OpenZFS (inside the ZFS test VM): a root with no mountpoint used to fail the first start in native
 * mode ("cannot mount 'tank/stagdb': no mountpoint set").
 */
class ZfsRootsInVm {
  private static final String PARENT = TestHost.datasetFor("roots");
  private static final Path MOUNTS = TestHost.mountDirFor("roots");

  @BeforeAll
  static void parent() {
    TestHost.require(Files.exists(Path.of("/dev/zfs")), "the ZFS kernel module (/dev/zfs)");
    TestHost.zfs("create", "-o", "mountpoint=" + MOUNTS.resolve("parent"), PARENT);
  }

  @AfterAll
  static void destroyEverything() {
    TestHost.destroyFor("roots");
  }

  private static void branchesWork(String root, ZfsMode mode, String name) throws Exception {
    ZfsVolumeStore store = ZfsVolumeStore.open(root, MOUNTS.resolve(name), mode);
    Path data = store.create("v1", 64L << 20);
    Files.writeString(data.resolve("row"), "v1");
    store.snapshot("v1", "s1");
    Path clone = store.clone("v1", "s1", "v2", 64L << 20);
    assertThat(clone.resolve("row")).hasContent("v1");
    assertThat(store.list()).extracting(io.stagdb.domain.port.out.VolumeInfo::volume).contains("v1", "v2");
    store.destroy("v1", true);
    assertThat(store.exists("v2")).isFalse();
  }

  @Test
  void aRootWithoutAMountpointThatStagDbMakes() throws Exception {
    for (ZfsMode mode : List.of(ZfsMode.NATIVE, ZfsMode.CLI)) {
      String root = PARENT + "/none-" + mode.name().toLowerCase(java.util.Locale.ROOT);
      TestHost.zfs("create", "-o", "mountpoint=none", root.substring(0, root.lastIndexOf('/')) + "/holder-" + mode.name().toLowerCase(java.util.Locale.ROOT));
      branchesWork(PARENT + "/holder-" + mode.name().toLowerCase(java.util.Locale.ROOT) + "/stagdb", mode, "none-" + mode);
      assertThat(TestHost.zfs("get", "-H", "-o", "value", "mountpoint", PARENT + "/holder-"
          + mode.name().toLowerCase(java.util.Locale.ROOT) + "/stagdb").strip()).isEqualTo("none");
    }
  }

  @Test
  void aRootThatInheritsItsParentsMountpoint() throws Exception {
    for (ZfsMode mode : List.of(ZfsMode.NATIVE, ZfsMode.CLI)) {
      String root = PARENT + "/inherited-" + mode.name().toLowerCase(java.util.Locale.ROOT);
      TestHost.zfs("create", root);   // mounted under the parent's mountpoint
      branchesWork(root, mode, "inherited-" + mode);
    }
  }

  @Test
  void aRootWithAMountpointOfItsOwn() throws Exception {
    for (ZfsMode mode : List.of(ZfsMode.NATIVE, ZfsMode.CLI)) {
      String root = PARENT + "/custom-" + mode.name().toLowerCase(java.util.Locale.ROOT);
      TestHost.zfs("create", "-o", "mountpoint=" + MOUNTS.resolve("elsewhere-" + mode), root);
      branchesWork(root, mode, "custom-" + mode);
    }
  }
}
