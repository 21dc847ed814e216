package io.stagdb.zfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.port.out.VolumeStore;
import io.stagdb.domain.testkit.TestHost;
import io.stagdb.domain.testkit.VolumeStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The volume-store contract through libzfs_core, on kernel OpenZFS (run inside the ZFS test VM by
 * {@link KernelZfsVmIT}; a host without {@code /dev/zfs} cannot run it). The store makes its own
 * root, as a first start does: {@code mountpoint=none}, never mounted.
 */
class ZfsNativeVolumeStoreInVm extends VolumeStoreContract {
  private static final String PARENT = TestHost.datasetFor("native");
  private static final Path MOUNTS = TestHost.mountDirFor("native");
  private static ZfsVolumeStore store;

  @BeforeAll
  static void createStore() {
    TestHost.require(Files.exists(Path.of("/dev/zfs")), "the ZFS kernel module (/dev/zfs)");
    TestHost.exec(List.of("zfs", "create", "-o", "mountpoint=none", PARENT));
    store = ZfsVolumeStore.open(PARENT + "/volumes", MOUNTS, ZfsMode.NATIVE);
  }

  @AfterAll
  static void destroyEverything() {
    TestHost.destroyFor("native");
  }

  @Override
  protected VolumeStore store() {
    return store;
  }

  @Override
  protected void unmountBehindTheStoresBack(String volume) {
    TestHost.zfs("unmount", store.dataset(volume));
  }

  @Test
  void theRootItMadeIsNotMountedAndTheBackendIsNative() {
    assertThat(TestHost.zfs("get", "-H", "-o", "value", "mountpoint,mounted", PARENT + "/volumes").lines().toList())
        .containsExactly("none", "no");
    assertThat(store.backend()).isEqualTo("libzfs_core");
  }

  @Test
  void writtenAndLogicalUsedAreRealOnOpenZfs() throws java.io.IOException {
    String v = newVolume();
    Path data = store.create(v, QUOTA);
    store.snapshot(v, "s1");
    byte[] block = new byte[1 << 20];
    new java.util.Random(3).nextBytes(block);
    Files.write(data.resolve("after-the-snapshot"), block);
    TestHost.exec(List.of("sync"));
    assertThat(store.usage(v).written()).isNotNull().isGreaterThan(512L << 10);
  }
}
