package io.stagdb.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The example suite: 22 tests, run in parallel, that each change the same table of their own branch
 * and see only the source's 3 rows, whatever the tests before them did to it (branches are
 * recycled in place between tests). Subclasses choose the mode.
 */
@Execution(ExecutionMode.CONCURRENT)
abstract class BranchSuite {
  /** Branches in use by a test now: a branch serves one test at a time. */
  private static final Set<String> IN_USE = ConcurrentHashMap.newKeySet();
  private static final Map<Class<?>, Set<String>> SERVED = new ConcurrentHashMap<>();
  private final Set<String> mine = ConcurrentHashMap.newKeySet();

  static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void own(Branch branch) {
    assertThat(IN_USE.add(branch.name())).as("a branch of its own, used by no other test now: %s", branch.name()).isTrue();
    mine.add(branch.name());
    SERVED.computeIfAbsent(getClass(), k -> ConcurrentHashMap.newKeySet()).add(branch.name());
  }

  @AfterEach
  void giveUp() {
    IN_USE.removeAll(mine);
  }

  @RepeatedTest(20)
  void eachTestChangesTheTableAndSeesOnlyTheSourceRows(DataSource db, Branch branch, TestInfo info) throws SQLException {
    own(branch);
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      assertThat(count(c, "SELECT count(*) FROM items")).isEqualTo(3);
      assertThat(count(c, "SELECT count(*) FROM items WHERE label IN ('one', 'two', 'three')")).isEqualTo(3);
      s.execute("INSERT INTO items VALUES (4, 'added by " + info.getDisplayName().replace("'", "") + "')");
      s.execute("UPDATE items SET label = '" + branch.name() + "'");
      assertThat(count(c, "SELECT count(*) FROM items WHERE label = '" + branch.name() + "'")).isEqualTo(4);
    }
  }

  @Test
  void theJdbcUrlAndTheHandleDescribeTheSameBranch(@JdbcUrl String url, Branch branch) throws SQLException {
    own(branch);
    assertThat(url).isEqualTo(branch.jdbcUrl()).startsWith("jdbc:postgresql://");
    assertThat(branch.name()).startsWith("jt-s");
    assertThat(branch.toString()).doesNotContain(branch.password());
    try (Connection c = DriverManager.getConnection(url, branch.username(), branch.password())) {
      assertThat(count(c, "SELECT count(*) FROM items")).isEqualTo(3);
      c.createStatement().execute("DELETE FROM items");
      assertThat(count(c, "SELECT count(*) FROM items")).isZero();
    }
  }

  @Test
  void droppingTheTableHarmsNoOtherTest(DataSource db, Branch branch) throws SQLException {
    own(branch);
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE items");
      assertThat(count(c, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'items'")).isZero();
    }
  }

  @AfterAll
  static void theTestsWereServedByAFewRecycledBranches() {
    // each test checked in own() that nobody else used its branch meanwhile, and saw only the source's rows
    SERVED.values().forEach(names -> assertThat(names).isNotEmpty().hasSizeLessThan(22));
  }
}
