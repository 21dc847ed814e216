package io.stagdb.junit;

import io.stagdb.domain.model.ResourceRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What the extension needs of stagDB, over the REST API ({@link RemoteBackend}) or in-process ({@link EmbeddedBackend}). */
interface Backend extends AutoCloseable {

  /** Throws with a reason when stagDB cannot be used. */
  void check();

  /**
   * Branches {@code source} (a snapshot, or a database through an automatic snapshot); {@code ttl}
   * may be null; a recyclable branch can be put back in place by {@link #recycle}.
   */
  Branch branch(String source, boolean sourceIsSnapshot, String name, ResourceRequest resources, Duration ttl,
                Map<String, String> labels, boolean recyclable);

  /** Puts a recyclable branch back to its source's data in place (same host, port and password). */
  void recycle(String name);

  boolean snapshotExists(String name);

  boolean databaseExists(String name);

  void snapshot(String database, String name);

  void stop(String database);

  /** Deletes a database or branch (and, with cascade, what depends on it) and waits until it is gone; missing is fine. */
  void delete(String name, boolean cascade);

  /** Starts deleting and returns at once; stagDB finishes it. Missing is fine. */
  void deleteLater(String name);

  /** Gives a branch back to be kept ready for the next run (or deleted); returns at once. Missing is fine. */
  void release(String name);

  /** Names of databases carrying label {@code key=value}. */
  List<String> databasesLabelled(String key, String value);

  String describe();

  @Override
  void close();
}
