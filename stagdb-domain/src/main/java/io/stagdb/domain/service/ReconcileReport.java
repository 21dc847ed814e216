package io.stagdb.domain.service;

import java.util.List;

/** What a reconciliation found and did (or, in a dry run, would do). */
public record ReconcileReport(boolean dryRun, List<Action> actions) {

  public ReconcileReport {
    actions = List.copyOf(actions);
  }

  /** What kind of mismatch was found. */
  public enum Kind {
    /** A database half-created before a crash: its container, volume and row are removed. */
    UNDO_CREATE,
    /** A database half-deleted before a crash: the deletion is finished. */
    FINISH_DELETE,
    /** A database whose dump import was cut short (a crash): its volume is rolled back to before the import. */
    UNDO_IMPORT,
    /** A RUNNING database whose container is stopped or crashed: it is started. */
    RESTART,
    /** A RUNNING database whose container is gone: it is created again on the volume. */
    RECREATE_CONTAINER,
    /** A database whose volume is gone: it is marked FAILED. */
    MISSING_VOLUME,
    /** A catalogued snapshot whose volume snapshot is gone: its row is dropped when nothing depends on it. */
    MISSING_SNAPSHOT,
    /** An automatic snapshot whose last branch is gone: it is destroyed. */
    UNUSED_AUTOMATIC_SNAPSHOT,
    /**
     * A volume named after a known database that is neither its current volume nor home to a
     * catalogued snapshot (a reset killed half-way, or its clean-up failed): it is destroyed.
     */
    LEFTOVER_VOLUME,
    /** A managed container no database owns: removed when configured to. */
    ORPHAN_CONTAINER,
    /** A volume no database owns: destroyed when configured to. */
    ORPHAN_VOLUME,
    /** A volume snapshot the catalog does not know: destroyed when configured to. */
    ORPHAN_SNAPSHOT,
    /**
     * A snapshot named as stagDB names its own, on a volume of a known database, that the catalog
     * does not know: made by an operation the server's stop cut short before it was recorded (a
     * catalogued snapshot is destroyed before its row goes): it is destroyed.
     */
    LEFTOVER_SNAPSHOT,
    /** An empty mount directory whose volume is gone (its removal after a destroy failed): removed. */
    STRAY_MOUNT_DIRECTORY
  }

  /**
   * One finding.
   *
   * @param applied whether it was acted on (false in a dry run, for orphans kept, or on error)
   * @param error   why acting on it failed, or {@code null}
   */
  public record Action(Kind kind, String subject, String detail, boolean applied, String error) {
  }

  public boolean clean() {
    return actions.isEmpty();
  }
}
