package io.stagdb.domain.model;

import java.util.EnumSet;
import java.util.Set;

/**
 * Lifecycle of a database: CREATING → RUNNING ⇄ STOPPED, any → FAILED, any → DELETING. A database
 * created from a live source is IMPORTING between CREATING and RUNNING while its data is copied in.
 */
public enum DatabaseStatus {
  CREATING, IMPORTING, RUNNING, STOPPED, FAILED, DELETING;

  /** Whether a database may move from this status to {@code next}. */
  public boolean canBecome(DatabaseStatus next) {
    return allowedNext().contains(next);
  }

  private Set<DatabaseStatus> allowedNext() {
    return switch (this) {
      case CREATING -> EnumSet.of(IMPORTING, RUNNING, FAILED, DELETING);
      case IMPORTING -> EnumSet.of(RUNNING, FAILED, DELETING);
      case RUNNING -> EnumSet.of(RUNNING, STOPPED, FAILED, DELETING);
      case STOPPED -> EnumSet.of(RUNNING, STOPPED, FAILED, DELETING);
      case FAILED -> EnumSet.of(RUNNING, STOPPED, FAILED, DELETING);
      case DELETING -> EnumSet.of(DELETING);
    };
  }
}
