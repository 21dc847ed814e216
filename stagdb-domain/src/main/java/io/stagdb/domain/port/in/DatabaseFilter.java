package io.stagdb.domain.port.in;

import io.stagdb.domain.model.DatabaseStatus;
import io.stagdb.domain.model.Engine;
import io.stagdb.domain.model.SnapshotName;

/**
 * Which databases to list; {@code null} fields match everything.
 *
 * @param origin only branches of this snapshot
 */
public record DatabaseFilter(Engine engine, DatabaseStatus status, SnapshotName origin) {
  public static final DatabaseFilter ALL = new DatabaseFilter(null, null, null);
}
