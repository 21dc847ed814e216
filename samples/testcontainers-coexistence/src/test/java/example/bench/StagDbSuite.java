package example.bench;

import io.stagdb.junit.StagDbBranch;
import java.sql.Connection;
import javax.sql.DataSource;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Tag;

/** The suite with a fresh database per test from stagDB: a branch from the pool, recycled in place after. */
@Tag("bench")
@StagDbBranch   // source: the setting stagdb.source
class StagDbSuite {
  @RepeatedTest(20)
  void test(DataSource db) throws Exception {
    try (Connection c = db.getConnection()) {
      Workload.run(c, true);
    }
  }
}
