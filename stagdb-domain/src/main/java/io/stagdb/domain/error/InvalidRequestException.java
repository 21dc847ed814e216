package io.stagdb.domain.error;

/** Input that breaks a rule; names the offending field and what is allowed. */
public final class InvalidRequestException extends StagDbException {
  private final String field;

  public InvalidRequestException(String field, String message) {
    super(field + ": " + message, null);
    this.field = field;
  }

  /** The field that is wrong, e.g. {@code config.memory}. */
  public String field() {
    return field;
  }
}
