package io.stagdb.domain.model;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Stable identifier of a database or branch, e.g. {@code db-3f9a1c2b7d4e}; never reused. */
public record DatabaseId(String value) {
  private static final SecureRandom RANDOM = new SecureRandom();

  public DatabaseId {
    if (value == null || !value.matches("db-[0-9a-f]{12}")) {
      throw new IllegalArgumentException("not a database id: " + value);
    }
  }

  public static DatabaseId random() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return new DatabaseId("db-" + HexFormat.of().formatHex(bytes));
  }

  @Override
  public String toString() {
    return value;
  }
}
