package example;

import io.stagdb.junit.Branch;
import io.stagdb.junit.StagDbBranch;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each test gets its own branch of the source (STAGDB_SOURCE), from a pool recycled between tests. */
@StagDbBranch   // the source comes from the setting stagdb.source
class AccountsWithStagDbTest {

  @RepeatedTest(6)
  void eachTestSeesTheSourceWhateverTheOthersWrote(DataSource db) throws SQLException {
    Accounts.seesTheSourceThenWrites(db);
  }

  @Test
  void theBranchSaysWhereItIs(Branch branch) {
    assertThat(branch.jdbcUrl()).startsWith("jdbc:postgresql://");
    assertThat(branch.toString()).doesNotContain(branch.password());
  }
}
