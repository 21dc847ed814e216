package example.bank;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.junit.Branch;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** A test class set up by the team's annotation: a context of its own (other resources), so a branch of its own. */
@BankTest
class MetaAnnotatedTest {
  @Autowired
  Accounts accounts;
  @Autowired
  Branch branch;

  @Test
  void seesTheSourceUntouchedByTheOtherContext() {
    assertThat(accounts.count()).isEqualTo(1000);
    assertThat(accounts.total()).isEqualTo(100_000);
    assertThat(branch.toString()).doesNotContain(branch.password());
  }
}
