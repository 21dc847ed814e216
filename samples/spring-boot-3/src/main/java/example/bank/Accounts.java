package example.bank;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The accounts table. */
@Repository
public class Accounts {
  private final JdbcTemplate jdbc;

  public Accounts(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  public long count() {
    return jdbc.queryForObject("SELECT count(*) FROM accounts", Long.class);
  }

  public long total() {
    return jdbc.queryForObject("SELECT coalesce(sum(balance), 0) FROM accounts", Long.class);
  }

  @Transactional
  public void transfer(int from, int to, int amount) {
    jdbc.update("UPDATE accounts SET balance = balance - ? WHERE id = ?", amount, from);
    jdbc.update("UPDATE accounts SET balance = balance + ? WHERE id = ?", amount, to);
  }

  public int close(int id) {
    return jdbc.update("DELETE FROM accounts WHERE id = ?", id);
  }
}
