package io.stagdb.domain.error;

import java.util.List;

/** The request clashes with the current state: the name is taken, dependents exist, or it is busy. */
public final class ConflictException extends StagDbException {

  /** Why the request conflicts. */
  public enum Reason { ALREADY_EXISTS, HAS_DEPENDENTS, BUSY, INVALID_STATE }

  private final Reason reason;
  private final List<String> dependents;

  public ConflictException(Reason reason, String message) {
    this(reason, message, List.of(), null);
  }

  public ConflictException(Reason reason, String message, List<String> dependents, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.dependents = List.copyOf(dependents);
  }

  public static ConflictException alreadyExists(String kind, String name) {
    return new ConflictException(Reason.ALREADY_EXISTS, kind + " '" + name + "' already exists");
  }

  public Reason reason() {
    return reason;
  }

  /** Names of the things that depend on the target, for {@link Reason#HAS_DEPENDENTS}. */
  public List<String> dependents() {
    return dependents;
  }
}
