package io.stagdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.testkit.TestHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The whole product on kernel OpenZFS: {@code scripts/zfs-vm-flow} boots the ZFS test VM with
 * dockerd, runs this build's server there (libzfs_core chosen by {@code zfs.mode=auto}) and one
 * PostgreSQL branch flow through the REST API: create, write, snapshot, branch, the branch's rows
 * checked, delete. Under emulation, so slow; the guest is bounded and its console printed on failure.
 *
 * <p>It runs beside the module's other integration tests (junit-platform.properties): it shares
 * nothing with them but the host's second core.
 */
@Execution(ExecutionMode.CONCURRENT)
class KernelZfsFlowIT {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  @Test
  void aBranchFlowRunsEndToEndOnKernelZfsInTheVm() {
    TestHost.requireDocker();
    TestHost.requireImage("stagdb-test/postgres:15");
    TestHost.require(TestHost.exec(List.of("qemu-system-x86_64", "--version")).ok(), "qemu-system-x86_64");
    TestHost.Result where = TestHost.exec(List.of(REPO.resolve("scripts/build-zfs-vm").toString(), "--print-dir"));
    TestHost.require(where.ok() && Files.exists(Path.of(where.stdout().strip(), "ready")),
        "the ZFS test VM (scripts/build-zfs-vm builds it; scripts/test-tools runs it)");

    TestHost.Result flow = TestHost.exec(List.of("env", "STAGDB_TEST_VM_FLOW_BOUND=1200",
        REPO.resolve("scripts/zfs-vm-flow").toString()), Duration.ofMinutes(25));
    String report = "exit " + flow.exitCode() + "\n--- stdout ---\n" + flow.stdout() + "\n--- stderr ---\n" + flow.stderr();
    System.out.println(report);

    assertThat(flow.exitCode()).as(report).isZero();
    assertThat(flow.stdout()).as("the server chose the native path")
        .contains("ZFS through libzfs_core (zfs mode 'auto')")
        .contains("POST /v1/snapshots/base/branches: 201")
        .contains("rows in the branch: 1000 (source: 1001)")
        .containsPattern("flow: passed on \\S+, zfs 2\\.");
    assertThat(flow.stdout()).as("no password in what the flow printed").doesNotContain("\"password\":\"")
        .doesNotContainPattern("postgresql://[^:]+:[^*@]+@");
  }
}
