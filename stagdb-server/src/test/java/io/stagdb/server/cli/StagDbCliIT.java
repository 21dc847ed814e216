package io.stagdb.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.testkit.TestHost;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** doctor and reconcile on the real host. */
class StagDbCliIT {
  private static final String PURPOSE = "cli";

  @BeforeAll
  static void requireHost() {
    TestHost.requireZfsAndDocker();
  }

  @AfterAll
  static void cleanUp() {
    TestHost.destroyFor(PURPOSE);
  }

  private static String[] args(String command, String... more) {
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    for (String kv : List.of("dataDir=" + TestHost.mountDirFor(PURPOSE), "zfs.root=" + TestHost.datasetFor(PURPOSE),
        "docker.pullImages=false", "docker.bindAddress=127.0.0.1", "ports.first=21000", "ports.last=21099",
        "docker.labels." + TestHost.RUN_LABEL + "=" + TestHost.runId())) {
      args.add("--set");
      args.add(kv);
    }
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private static String run(int expectedCode, String[] args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = StagDbCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    assertThat(code).as(out + "\n" + err).isEqualTo(expectedCode);
    return out.toString();
  }

  @Test
  void doctorPassesOnAPreparedHostAndSaysHowToFixWhatIsMissing() {
    List<String> localImages = new ArrayList<>();
    for (int v = 12; v <= 16; v++) {
      localImages.addAll(List.of("--set", "images.postgresql." + v + "=stagdb-test/postgres:" + v));
    }
    String missingImages = run(1, args("doctor", localImages.toArray(String[]::new)));
    assertThat(missingImages).contains("ok    catalog").contains("ok    ZFS dataset root").contains("ok    Docker engine")
        .contains("FAIL  engine images").contains("mysql:8.0").contains("fix: load them").contains("ports free");

    localImages.addAll(List.of("--set", "docker.pullImages=true"));
    String pulling = run(0, args("doctor", localImages.toArray(String[]::new)));
    assertThat(pulling).contains("note  engine images").contains("all checks passed");

    String noPool = run(1, args("doctor", "--set", "zfs.root=no-such-pool/stagdb"));
    assertThat(noPool).contains("FAIL  ZFS dataset root no-such-pool/stagdb").contains("fix: create the pool");
  }

  @Test
  void reconcileReportsAnOrphanInADryRunAndLeavesIt() {
    run(0, args("reconcile", "--dry-run"));
    String orphan = TestHost.datasetFor(PURPOSE) + "/db-000000000001";
    assertThat(TestHost.exec(List.of("zfs", "create", "-o", "mountpoint=none", orphan)).ok()).isTrue();
    String report = run(0, args("reconcile", "--dry-run"));
    assertThat(report).contains("ORPHAN_VOLUME").contains("db-000000000001").contains("[would do]");
    assertThat(TestHost.exec(List.of("zfs", "list", orphan)).ok()).as("a dry run changes nothing").isTrue();
    String kept = run(0, args("reconcile"));
    assertThat(kept).contains("ORPHAN_VOLUME").contains("[reported]");
    String removed = run(0, args("reconcile", "--set", "reconcile.removeOrphans=true"));
    assertThat(removed).contains("ORPHAN_VOLUME").contains("[done]");
    assertThat(TestHost.exec(List.of("zfs", "list", orphan)).ok()).isFalse();
    assertThat(run(0, args("reconcile"))).contains("agree");
  }
}
