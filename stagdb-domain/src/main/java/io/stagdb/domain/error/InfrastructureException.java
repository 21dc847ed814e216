package io.stagdb.domain.error;

/** ZFS, Docker, the catalog or an engine failed in a way the caller cannot fix by changing input. */
public final class InfrastructureException extends StagDbException {

  public InfrastructureException(String message) {
    super(message, null);
  }

  public InfrastructureException(String message, Throwable cause) {
    super(message, cause);
  }
}
