package io.stagdb.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.port.out.VolumeStore;
import io.stagdb.domain.testkit.TestHost;
import io.stagdb.domain.testkit.VolumeStoreContract;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The volume-store contract on the real ZFS test pool, through the zfs command line. */
class ZfsVolumeStoreIT extends VolumeStoreContract {
  private static final String PARENT = TestHost.datasetFor("volumes");
  private static final Path MOUNTS = TestHost.mountDirFor("volumes");
  private static ZfsVolumeStore store;

  @BeforeAll
  static void createStore() {
    TestHost.requireZfs();
    TestHost.sweepDeadRuns();
    TestHost.exec(List.of("zfs", "create", "-o", "mountpoint=none", PARENT));
    store = ZfsVolumeStore.open(PARENT + "/volumes", MOUNTS, ZfsMode.CLI);
  }

  @AfterAll
  static void destroyEverything() {
    TestHost.destroyFor("volumes");
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
  void anEmptyMountDirectoryOfAVolumeThatIsGoneIsStrayAndRemovable() throws IOException {
    String gone = newVolume();
    String live = newVolume();
    store.create(gone, 64L << 20);
    store.create(live, 64L << 20);
    store.destroy(gone, false);
    assertThat(store.mountPath(gone)).doesNotExist();   // removed right after the destroy
    Files.createDirectories(store.mountPath(gone));      // as a destroy whose removal failed leaves it
    Path notEmpty = Files.createDirectories(store.mountPath(newVolume()).resolve("data"));
    assertThat(store.strayMountDirectories()).containsExactly(gone);   // not the live volume's, not a non-empty one
    store.removeMountDirectory(gone);
    assertThat(store.mountPath(gone)).doesNotExist();
    assertThat(store.strayMountDirectories()).isEmpty();
    Files.delete(notEmpty);
    Files.delete(notEmpty.getParent());
    store.destroy(live, false);
  }

  @Test
  void theQuotaIsEnforcedByZfs() throws IOException {
    String v = newVolume();
    Path data = store.create(v, 64L << 20);   // 64 MiB
    byte[] block = new byte[1 << 20];
    new java.util.Random(1).nextBytes(block);   // incompressible
    assertThatThrownBy(() -> {
      try (OutputStream out = Files.newOutputStream(data.resolve("big.bin"))) {
        for (int i = 0; i < 128; i++) {
          out.write(block);
        }
      }
    }).isInstanceOf(IOException.class);
    assertThat(store.usage(v).quota()).isEqualTo(64L << 20);
  }

  @Test
  void aNewCloneWritesAlmostNothing() throws IOException {
    String source = newVolume();
    Path data = store.create(source, QUOTA);
    byte[] block = new byte[1 << 20];
    new java.util.Random(2).nextBytes(block);
    for (int i = 0; i < 16; i++) {
      Files.write(data.resolve("f" + i), block);
    }
    store.snapshot(source, "s1");
    String clone = newVolume();
    store.clone(source, "s1", clone, QUOTA);
    assertThat(store.usage(clone).referenced()).isGreaterThan(15L << 20);
    assertThat(store.usage(clone).used()).isLessThan(1L << 20);
  }

  @Test
  void usageReportsWrittenOnlyWhereZfsHasIt() {
    String v = newVolume();
    store.create(v, QUOTA);
    Long written = store.usage(v).written();
    if (Files.exists(Path.of("/dev/zfs"))) {
      assertThat(written).as("OpenZFS has 'written'").isNotNull().isNotNegative();
    } else {
      assertThat(written).as("zfs-fuse has no 'written': unknown, not a made-up number").isNull();
    }
  }
}
