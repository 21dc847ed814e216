package io.stagdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.testkit.TestHost;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The concurrent fault campaign ({@link ConcurrentCampaign}) in CI: {@code stagdb.chaos.concurrentRounds}
 * rounds (default 5: each fault once) of {@value ConcurrentCampaign#CLIENTS} clients at once on
 * overlapping names, with a fresh seed printed for replay ({@code scripts/chaos --concurrent ROUNDS SEED}).
 */
class ConcurrentChaosIT {

  @BeforeAll
  static void requireHost() {
    TestHost.requireZfsAndDocker();
    TestHost.requireImage("stagdb-test/postgres:15");
  }

  @Test
  void concurrentClientsAreAllAnsweredAndNothingIsLostOrLeaked() throws Exception {
    int rounds = Integer.getInteger("stagdb.chaos.concurrentRounds", 5);
    long seed = Long.getLong("stagdb.chaos.seed", System.nanoTime() % 1_000_000);
    System.out.println("concurrent fault campaign: " + rounds + " rounds, seed " + seed);
    ConcurrentCampaign.Report report;
    try (ConcurrentCampaign campaign = new ConcurrentCampaign(seed)) {
      report = campaign.run(rounds);
    }
    System.out.print(report.markdown());
    assertThat(ConcurrentCampaign.total(report.operations())).isGreaterThanOrEqualTo(ConcurrentCampaign.CLIENTS * 4 * rounds);
    assertThat(report.violations()).as("seed %d", seed).isEmpty();
    assertThat(report.slowestMillis()).isLessThanOrEqualTo(ConcurrentCampaign.BOUND.toMillis());
    assertThat(TestServers.volumes("chaos-concurrent")).as("left on the pool").isEmpty();
    assertThat(TestServers.containers("chaos-concurrent")).as("containers left").isEmpty();
  }
}
