package io.stagdb.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountTableTest {
  private static final List<String> TABLE = List.of(
      "27 1 254:0 / / rw,relatime shared:2 - ext4 /dev/vda rw",
      "45 27 254:0 /var/lib/docker /var/lib/docker rw,relatime - ext4 /dev/vda rw",
      "55 27 0:54 / /var/tmp/my\\040pool rw,relatime master:6 - fuse.zfs stagdb/a rw",
      "60 27 0:55 / /srv/private rw,relatime - fuse.zfs stagdb/b rw",
      "61 60 0:56 / /srv/private/inner rw,relatime shared:9 propagate_from:3 - fuse.zfs stagdb/c rw");

  @Test
  void theMountHoldingADirectoryDecidesWhetherMountsBelowItPropagate() {
    assertThat(MountTable.propagates(Path.of("/var/tmp/stagdb/mounts/g.group"), TABLE)).as("under shared /").isTrue();
    assertThat(MountTable.propagates(Path.of("/var/lib/docker/volumes"), TABLE)).as("a private mount").isFalse();
    assertThat(MountTable.propagates(Path.of("/var/tmp/my pool/x"), TABLE)).as("a slave, escaped space").isTrue();
    assertThat(MountTable.propagates(Path.of("/srv/private/x"), TABLE)).isFalse();
    assertThat(MountTable.propagates(Path.of("/srv/private/inner/x"), TABLE)).as("the innermost mount").isTrue();
    assertThat(MountTable.propagates(Path.of("/srv/privateer"), TABLE)).as("held by /, not by /srv/private").isTrue();
  }

  @Test
  void anUnreadableDirectoryDoesNotPropagate() {
    assertThat(MountTable.propagates(Path.of("/no/such/directory/here"))).isFalse();
  }
}
