package io.stagdb.domain.access;

import java.time.Instant;
import java.util.Objects;

/**
 * An API key as stored: never the secret itself, only its SHA-256.
 *
 * @param id         the public part of the token, e.g. {@code k3f9a1c2b7d4e}
 * @param secretHash hex SHA-256 of the secret part
 * @param revokedAt  when it was revoked, or {@code null}
 */
public record ApiKey(String id, String name, Scope scope, String secretHash, Instant createdAt, Instant revokedAt) {

  /**
   * What a key may do: {@code STANDARD} every database, snapshot, branch and webhook route (and the
   * metrics); {@code ADMIN} that and the keys; {@code METRICS} only read the metrics (a scraper's key).
   */
  public enum Scope {
    ADMIN, STANDARD, METRICS;

    /** Whether a key of this scope may call a route that needs {@code needed}. */
    public boolean allows(Scope needed) {
      return switch (this) {
        case ADMIN -> true;
        case STANDARD -> needed != ADMIN;
        case METRICS -> needed == METRICS;
      };
    }
  }

  public ApiKey {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(secretHash, "secretHash");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  public boolean active() {
    return revokedAt == null;
  }

  @Override
  public String toString() {
    return "ApiKey[id=" + id + ", name=" + name + ", scope=" + scope + ", revoked=" + (revokedAt != null) + "]";
  }
}
