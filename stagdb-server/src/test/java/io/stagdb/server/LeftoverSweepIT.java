package io.stagdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.testkit.TestHost;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a killed test run leaves (a dataset and a labelled container of a dead JVM) is removed by the next run. */
class LeftoverSweepIT {
  /** A pid above Linux's largest possible pid_max, so it is never alive. */
  private static final String DEAD_RUN = "it-4194305-abcdef";
  private static final String ALIVE = TestHost.datasetFor("alive");

  @BeforeAll
  static void requireHost() {
    TestHost.requireZfsAndDocker();
    TestHost.requireImage("stagdb-test/postgres:15");
  }

  @AfterEach
  void cleanUp() {
    TestHost.exec(List.of("docker", "rm", "-f", DEAD_RUN + "-leftover"));
    for (String dataset : List.of(TestHost.POOL + "/" + DEAD_RUN + "-data", ALIVE)) {
      if (TestHost.exec(List.of("zfs", "list", dataset)).ok()) {
        TestHost.destroyRecursively(dataset);
      }
    }
  }

  @Test
  void removesTheLeftoversOfDeadRunsOnly() {
    String deadDataset = TestHost.POOL + "/" + DEAD_RUN + "-data";
    assertThat(TestHost.exec(List.of("zfs", "create", "-o", "mountpoint=none", deadDataset)).ok()).isTrue();
    assertThat(TestHost.exec(List.of("zfs", "snapshot", deadDataset + "@s")).ok()).isTrue();
    assertThat(TestHost.exec(List.of("zfs", "create", "-o", "mountpoint=none", ALIVE)).ok()).isTrue();
    assertThat(TestHost.exec(List.of("docker", "create", "--name", DEAD_RUN + "-leftover",
        "--label", TestHost.RUN_LABEL + "=" + DEAD_RUN, "stagdb-test/postgres:15")).ok()).isTrue();

    TestHost.sweepNow();

    assertThat(TestHost.exec(List.of("zfs", "list", deadDataset)).ok()).isFalse();
    assertThat(TestHost.exec(List.of("docker", "inspect", DEAD_RUN + "-leftover")).ok()).isFalse();
    assertThat(TestHost.exec(List.of("zfs", "list", ALIVE)).ok()).as("this live run's dataset").isTrue();
  }
}
