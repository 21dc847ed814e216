package io.stagdb.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.ConflictException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's retry on a transiently busy dataset, driven by a real executable that stands in for
 * {@code zfs}: it answers the first {@code N} calls as zfs-fuse does right after an unmount and
 * records every call, so the test sees exactly what ZfsCli ran.
 */
class ZfsCliRetryTest {
  @TempDir
  Path dir;

  /** A stand-in {@code zfs} that fails its first {@code busyCalls} calls (other than unmount) with zfs-fuse's message. */
  private ZfsCli cliBusyFor(int busyCalls) throws IOException {
    Path script = dir.resolve("zfs");
    Files.writeString(script, """
        #!/bin/sh
        echo "$*" >> "%1$s/calls"
        n=$(grep -vc "^unmount" "%1$s/calls")
        if [ "$1" != unmount ] && [ "$n" -le %2$d ]; then
          echo "cannot $1 '$2': mountpoint or dataset is busy" >&2
          exit 1
        fi
        exit 0
        """.formatted(dir, busyCalls));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return new ZfsCli(script.toString(), Duration.ofSeconds(10));
  }

  private List<String> calls() throws IOException {
    return Files.readAllLines(dir.resolve("calls"));
  }

  @Test
  void aMountThatIsBusyForAMomentSucceedsOnARetry() throws IOException {
    ZfsCli cli = cliBusyFor(2);
    cli.mountNew("tank/stagdb/v1");
    assertThat(calls()).containsExactly("mount tank/stagdb/v1", "mount tank/stagdb/v1", "mount tank/stagdb/v1");
  }

  @Test
  void aDatasetThatStaysBusyIsReportedAsBusyAfterABoundedNumberOfTries() throws IOException {
    ZfsCli cli = cliBusyFor(Integer.MAX_VALUE);
    long started = System.nanoTime();
    assertThatThrownBy(() -> cli.mountNew("tank/stagdb/v1"))
        .isInstanceOfSatisfying(ConflictException.class,
            e -> assertThat(e.reason()).isEqualTo(ConflictException.Reason.BUSY))
        .hasMessageContaining("tank/stagdb/v1");
    assertThat(calls()).hasSize(8);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aDestroyUnmountsBeforeEachTry() throws IOException {
    ZfsCli cli = cliBusyFor(1);
    cli.destroy("tank/stagdb/v1", false);
    assertThat(calls()).containsExactly(
        "unmount tank/stagdb/v1", "destroy -r tank/stagdb/v1", "unmount tank/stagdb/v1", "destroy -r tank/stagdb/v1");
  }
}
