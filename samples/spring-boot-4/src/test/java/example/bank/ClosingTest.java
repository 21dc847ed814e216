package example.bank;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.junit.Branch;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Another class of the suite: the same context, and so the same branch, as AccountsTest. */
class ClosingTest extends BankIntegrationTest {
  @Autowired
  Accounts accounts;
  @Autowired
  Branch branch;

  @Test
  @org.springframework.transaction.annotation.Transactional   // rolled back: the classes share the branch
  void closingAnAccountChangesOnlyTheBranch() {
    assertThat(accounts.close(1000)).isEqualTo(1);
    assertThat(accounts.count()).isEqualTo(999);
    assertThat(branch.name()).startsWith("jt-");
  }
}
