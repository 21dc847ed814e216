package io.stagdb.domain.model;

import io.stagdb.domain.error.InvalidRequestException;
import java.util.regex.Pattern;

/** Name of a database or branch: {@code [a-z][a-z0-9-]{0,62}}, unique across both. */
public record DatabaseName(String value) implements Comparable<DatabaseName> {
  private static final Pattern VALID = Pattern.compile("[a-z][a-z0-9-]{0,62}");

  public DatabaseName {
    check("name", value);
  }

  /** Validates {@code value} as a database name, reporting errors against {@code field}. */
  public static DatabaseName of(String field, String value) {
    check(field, value);
    return new DatabaseName(value);
  }

  public static DatabaseName of(String value) {
    return of("name", value);
  }

  private static void check(String field, String value) {
    if (value == null || !VALID.matcher(value).matches()) {
      throw new InvalidRequestException(field,
          "must be 1-63 characters: a lowercase letter, then lowercase letters, digits or '-'"
              + (value == null ? "" : " (got '" + Text.shorten(value) + "')"));
    }
  }

  @Override
  public int compareTo(DatabaseName other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
