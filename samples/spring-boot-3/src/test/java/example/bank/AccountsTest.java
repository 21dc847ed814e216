package example.bank;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.junit.Branch;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.transaction.annotation.Transactional;

class AccountsTest extends BankIntegrationTest {
  @Autowired
  Accounts accounts;
  @Autowired
  Branch branch;
  @Autowired
  Environment environment;

  @Test
  void theContextRunsOnABranchOfTheSource() {
    assertThat(environment.getProperty("spring.datasource.url")).isEqualTo(branch.jdbcUrl()).contains(":" + branch.port() + "/");
    assertThat(accounts.count()).isEqualTo(1000);   // the source's rows; schema.sql did not run again
  }

  @Test
  @Transactional   // rolled back after the test, as Spring does
  void transfersKeepTheTotal() {
    long before = accounts.total();
    accounts.transfer(1, 2, 50);
    assertThat(accounts.total()).isEqualTo(before);
  }
}
