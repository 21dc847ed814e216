package io.stagdb.domain.model;

import io.stagdb.domain.error.InvalidRequestException;

/** The host ports stagDB may publish databases on, inclusive. */
public record PortRange(int first, int last) {

  public PortRange {
    if (first < 1 || last > 65535 || first > last) {
      throw new IllegalArgumentException("port range must lie within 1-65535 and not be empty: " + first + "-" + last);
    }
  }

  public boolean contains(int port) {
    return port >= first && port <= last;
  }

  /** Checks a port a user asked for. */
  public int requireContains(String field, int port) {
    if (!contains(port)) {
      throw new InvalidRequestException(field, "must be within the configured port range " + first + "-" + last
          + " (got " + port + ")");
    }
    return port;
  }

  @Override
  public String toString() {
    return first + "-" + last;
  }
}
