package example.bank;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A small bank: accounts with balances, in PostgreSQL. */
@SpringBootApplication
public class BankApplication {
  public static void main(String[] args) {
    SpringApplication.run(BankApplication.class, args);
  }
}
