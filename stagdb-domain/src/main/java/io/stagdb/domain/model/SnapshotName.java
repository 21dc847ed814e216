package io.stagdb.domain.model;

import io.stagdb.domain.error.InvalidRequestException;
import java.util.regex.Pattern;

/** Name of a snapshot: like a database name but also with '.' and '_' ({@code pre-migration-v2.0}); globally unique. */
public record SnapshotName(String value) implements Comparable<SnapshotName> {
  private static final Pattern VALID = Pattern.compile("[a-z][a-z0-9._-]{0,62}");

  public SnapshotName {
    check("name", value);
  }

  public static SnapshotName of(String field, String value) {
    check(field, value);
    return new SnapshotName(value);
  }

  public static SnapshotName of(String value) {
    return of("name", value);
  }

  private static void check(String field, String value) {
    if (value == null || !VALID.matcher(value).matches()) {
      throw new InvalidRequestException(field,
          "must be 1-63 characters: a lowercase letter, then lowercase letters, digits, '-', '.' or '_'"
              + (value == null ? "" : " (got '" + Text.shorten(value) + "')"));
    }
  }

  @Override
  public int compareTo(SnapshotName other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
