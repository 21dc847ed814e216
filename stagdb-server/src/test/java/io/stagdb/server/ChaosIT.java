package io.stagdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.testkit.TestHost;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fault campaign ({@link FaultCampaign}) in CI: a bounded number of rounds (system property
 * {@code stagdb.chaos.rounds}, default 10: each fault twice) with a fresh seed each run, printed so
 * a failure can be replayed ({@code scripts/chaos ROUNDS SEED}). Longer campaigns: {@code scripts/chaos}.
 */
class ChaosIT {

  @BeforeAll
  static void requireHost() {
    TestHost.requireZfsAndDocker();
    TestHost.requireImage("stagdb-test/postgres:15");
  }

  @Test
  void nothingIsLostOrLeakedWhateverFaultStrikes() throws Exception {
    int rounds = Integer.getInteger("stagdb.chaos.rounds", 10);
    long seed = Long.getLong("stagdb.chaos.seed", System.nanoTime() % 1_000_000);
    System.out.println("fault campaign: " + rounds + " rounds, seed " + seed);
    FaultCampaign.Report report;
    try (FaultCampaign campaign = new FaultCampaign(seed)) {
      report = campaign.run(rounds);
    }
    System.out.print(report.markdown());

    assertThat(report.rounds()).isEqualTo(rounds);
    assertThat(report.total(report.operations())).isGreaterThanOrEqualTo(3 * rounds);
    assertThat(report.faults()).containsKeys("server kill", "docker restart", "engine kill", "pool full");
    assertThat(report.violations()).as("seed %d", seed).isEmpty();
    assertThat(TestServers.volumes("chaos")).as("left on the pool").isEmpty();
    assertThat(TestServers.containers("chaos")).as("containers left").isEmpty();
  }
}
