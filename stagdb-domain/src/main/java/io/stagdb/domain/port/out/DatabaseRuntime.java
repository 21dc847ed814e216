package io.stagdb.domain.port.out;

import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.model.EngineImage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Runs database engines, one container per database, on a volume's files (on Docker: labelled
 * containers with memory and CPU limits and a published port).
 *
 * <p>Every method that names a database fails with {@code NotFoundException} when it has no
 * container. Errors are the domain's; no client-library type crosses this interface.
 *
 * <pre>{@code
 * runtime.run(spec);                                        // container created and started
 * runtime.awaitReady(spec.id(), spec.credentials(), Duration.ofSeconds(60));
 * try (var quiesced = runtime.quiesce(spec.id(), spec.credentials())) {
 *   volumes.snapshot(volume, snapshot);                     // consistent, fast-starting copy
 * }
 * }</pre>
 */
public interface DatabaseRuntime {

  /** Creates and starts the container of a database; does not wait for the engine. */
  void run(ContainerSpec spec);

  /** The image of every supported engine version, and whether it can run now (on the host, or pullable). */
  List<EngineImage> images();

  /** Waits until the engine accepts a login with {@code credentials}, or fails with its last log lines. */
  void awaitReady(DatabaseId id, Credentials credentials, Duration timeout);

  /** Sets a new password for the login in {@code current} (a branch never keeps its parent's). */
  void rotatePassword(DatabaseId id, Credentials current, String newPassword);

  /** Runs SQL (or engine commands) once, in order, as {@code credentials}. */
  void runScripts(DatabaseId id, Credentials credentials, List<String> scripts);

  /**
   * Creates PostgreSQL extensions in the database, each checked first against what the engine's
   * image offers: one it does not is an {@code InvalidRequestException} on {@code config.extensions}.
   */
  void createExtensions(DatabaseId id, Credentials credentials, List<String> extensions);

  /**
   * Restores a dump into the database as {@code credentials} with the engine image's own tool
   * ({@code pg_restore}, {@code psql}, {@code mariadb}/{@code mysql}), streaming {@code dump} to it
   * as it is read. Fails with an {@code InvalidRequestException} on {@code body}, carrying the
   * tool's last lines, when the tool refuses the dump; an {@code InfrastructureException} when the
   * stream breaks off. Leaves whatever the tool loaded: undoing it is the caller's.
   */
  void restoreDump(DatabaseId id, Credentials credentials, io.stagdb.domain.model.DumpFormat format,
                   java.io.InputStream dump);

  /**
   * Connects to a live source from the database's container, with its image's client, and tells what
   * it is. An unreachable source or a refused login is an {@code InvalidRequestException} on
   * {@code source.url} with the client's message (which never holds the password).
   */
  SourceInfo probeSource(DatabaseId id, io.stagdb.domain.model.ImportSource source);

  /**
   * Copies a live source's data into the database as {@code credentials}, with its image's own dump and
   * restore tools run in its container (so their versions match the target's), telling
   * {@code listener} how far it got; the tools' output is kept for the database's logs. The source's
   * password goes only into the tools' environment, never into an argument or the container's
   * configuration. A copy the tools refuse is an {@code InvalidRequestException} on {@code source.url}
   * with their last lines. Leaves whatever was loaded: undoing it is the caller's.
   */
  void copyFrom(DatabaseId id, Credentials credentials, io.stagdb.domain.model.ImportSource source,
                ImportListener listener);

  /** Makes the engine's files consistent on disk until the returned handle is closed. */
  Quiesced quiesce(DatabaseId id, Credentials credentials);

  /** Starts a stopped container; does not wait for the engine. No-op when it runs. */
  void start(DatabaseId id);

  /** Stops the container; no-op when it is stopped. */
  void stop(DatabaseId id);

  /**
   * Halts the engine: {@code cleanly} (it writes everything out, so a snapshot then holds a clean
   * shutdown) or at once (its changes are about to be thrown away). Returns when no engine process
   * is left. A restartable container keeps running, HELD, so that {@link #resume} is quick; any
   * other is stopped. No-op when it is halted or stopped.
   */
  void halt(DatabaseId id, boolean cleanly);

  /** Starts a halted engine again (or a stopped container); does not wait for it. No-op when it runs. */
  void resume(DatabaseId id);

  /**
   * Points a halted engine at another volume of its volume's group ({@link VolumeStore}), mounted at
   * {@code dataPath}, so that the next {@link #resume} starts it there. {@code false} when its
   * container cannot be moved (made on an ungrouped volume, or where mounts do not reach containers)
   * or that volume's files are not there: nothing changed, roll the volume back instead.
   */
  boolean relocate(DatabaseId id, Path dataPath);

  /** Whether {@link #relocate} can move this database's engine at all (its container was made so). */
  boolean movable(DatabaseId id);

  /**
   * Whether the database's container can halt and resume its engine in place ({@link ContainerSpec#restartable}):
   * false when it has no container.
   */
  boolean restartable(DatabaseId id);

  /** Gives a database's container its new name (a standby handed over); it keeps running. */
  void rename(DatabaseId id, io.stagdb.domain.model.DatabaseName name);

  /** Removes the container (stopping it first); its volume is left alone. */
  void remove(DatabaseId id);

  ContainerState state(DatabaseId id);

  /** Every container this runtime manages, for reconciliation. */
  List<ManagedContainer> list();

  RuntimeStats stats(DatabaseId id);

  /** Asks the engine (logged in as {@code credentials}) for its data size and open sessions. */
  EngineStats engineStats(DatabaseId id, Credentials credentials);

  /** The last {@code tail} lines of the engine's log, from {@code since} if not {@code null}. */
  String logs(DatabaseId id, int tail, Instant since);

  /**
   * Follows the engine's log: hands {@code follower} the last {@code tail} lines (from
   * {@code since} if not {@code null}), then what the engine writes, until the container stops or
   * the returned stream is closed.
   */
  LogFollower.Stream followLogs(DatabaseId id, int tail, Instant since, LogFollower follower);

  /** A quiesced engine; closing it lets writes go on. */
  interface Quiesced extends AutoCloseable {
    @Override
    void close();
  }
}
