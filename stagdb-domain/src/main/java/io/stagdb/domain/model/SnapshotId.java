package io.stagdb.domain.model;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Stable identifier of a snapshot, e.g. {@code snap-9c0e4b1a2f3d}; never reused. */
public record SnapshotId(String value) {
  private static final SecureRandom RANDOM = new SecureRandom();

  public SnapshotId {
    if (value == null || !value.matches("snap-[0-9a-f]{12}")) {
      throw new IllegalArgumentException("not a snapshot id: " + value);
    }
  }

  public static SnapshotId random() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return new SnapshotId("snap-" + HexFormat.of().formatHex(bytes));
  }

  @Override
  public String toString() {
    return value;
  }
}
