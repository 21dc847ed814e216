package io.stagdb.server;

import io.stagdb.domain.testkit.TestHost;
import java.util.ArrayList;
import java.util.List;

/**
 * Tests never hurt what they did not create: before a fault campaign restarts the Docker engine or
 * fills the ZFS pool, this checks that nothing but test runs' own containers runs on the engine and
 * nothing but test runs' datasets lives in the pool. A host that also runs {@code ./stagdb serve}
 * (or anything else) fails the campaign with what it found and what to do, rather than taking
 * those databases down.
 */
final class HostGuard {
  private HostGuard() {
  }

  /** Fails when something other than test runs uses the engine or the pool that {@code action} hits. */
  static void requireNothingElseOnTheHost(String action) {
    List<String> others = new ArrayList<>();
    for (String line : TestHost.exec(List.of("docker", "ps", "--format", "{{.Names}}\t{{.Label \"" + TestHost.RUN_LABEL + "\"}}"))
        .lines()) {
      String[] cells = line.split("\t", -1);
      if (cells.length < 2 || !cells[1].startsWith("it-")) {
        others.add("container " + cells[0]);
      }
    }
    for (String dataset : TestHost.exec(List.of("zfs", "list", "-H", "-o", "name", "-d", "1", TestHost.POOL)).lines()) {
      if (!dataset.equals(TestHost.POOL) && !dataset.startsWith(TestHost.POOL + "/it-")
          && !dataset.startsWith(TestHost.POOL + "/bench-")) {
        others.add("dataset " + dataset);
      }
    }
    if (!others.isEmpty()) {
      throw new AssertionError("the fault campaign is about to " + action + ", which would disturb what is not a test's: "
          + others + ". Run the tests on a host where nothing else uses this Docker engine and the pool '" + TestHost.POOL
          + "' (as CI's machines are), stop those first, or give the tests a pool of their own (STAGDB_TEST_POOL).");
    }
  }
}
